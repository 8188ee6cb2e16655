"""Handing company eSIMs to employees: paste and CSV (all or nothing, line numbers), one by one,
revoke and reassign, the install page's link, inventory statuses, roles and company scoping."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from services.core import db
from services.core.models import AuditLog, EmailOutbox, EnterpriseAccount, Esim, EsimAllocation
from services.enterprise import allocation, billing, installs, inventory
from services.enterprise.distribution_errors import (
    ALREADY_ALLOCATED,
    AllocationConflict,
    EsimInUse,
    InvalidInstallLink,
    NotEnoughStock,
    RecipientsInvalid,
)
from services.enterprise.errors import NotAllowed
from services.enterprise.recipients import Recipient
from tests.support.enterprise import company_esims, member

LINK = re.compile(r"/install/([A-Za-z0-9_-]+)")


def _link(email: str) -> str:
    with db.session() as s:
        mail = s.exec(select(EmailOutbox).where(EmailOutbox.to_address == email, EmailOutbox.template == "esim_assigned")
                      .order_by(col(EmailOutbox.id).desc())).first()
    assert mail is not None, f"no install email to {email}"
    return LINK.search(mail.text_body).group(1)  # type: ignore[union-attr]


def _live(company_id: int) -> int:
    with db.session() as s:
        return s.exec(select(sa.func.count()).select_from(EsimAllocation).where(
            EsimAllocation.enterprise_account_id == company_id, col(EsimAllocation.revoked_at).is_(None))).one()


def test_a_paste_with_a_bad_line_assigns_nothing_and_names_the_line(database_url: str) -> None:
    admin = member("admin")
    company_esims(admin.org_id, 3)  # type: ignore[arg-type]
    text = "name, email\nAda Lovelace, ada@example.com\n\nGrace Hopper, not-an-email\nAlan, ada@example.com\nBob\n"
    with pytest.raises(RecipientsInvalid) as refused:
        allocation.assign_text(admin, text)
    assert [(p.line, p.reason) for p in refused.value.problems] == [
        (4, "'not-an-email' is not a valid email address"), (5, "ada@example.com is on line 2 already"),
        (6, "expected two values: name, email")]
    assert _live(admin.org_id) == 0  # type: ignore[arg-type]

    result = allocation.assign_text(admin, "Ada Lovelace, ada@example.com\nGrace Hopper\tgrace@example.com")
    assert [(a.recipient_name, a.recipient_email) for a in result.assigned] == [
        ("Ada Lovelace", "ada@example.com"), ("Grace Hopper", "grace@example.com")]
    assert _live(admin.org_id) == 2  # type: ignore[arg-type]
    with db.session() as s:
        actions = s.exec(select(AuditLog.action, AuditLog.details).where(AuditLog.enterprise_account_id == admin.org_id)
                         .order_by(col(AuditLog.id))).all()
    assert [a for a, _ in actions] == ["esim_assigned", "esim_assigned"]
    assert actions[0][1]["after"] == {"recipient": "Ada Lovelace", "email": "ada@example.com"}


def test_a_csv_upload_skips_header_and_bom_and_can_skip_bad_rows_when_asked(database_url: str) -> None:
    ops = member("operations")
    company_esims(ops.org_id, 5)  # type: ignore[arg-type]
    data = "\ufeffName,Email\r\n\"Lee, Ann\",ann@example.com\r\n=cmd|' /C calc'!A0,x\r\n".encode()
    with pytest.raises(RecipientsInvalid) as refused:
        allocation.assign_csv(ops, data)
    assert [p.line for p in refused.value.problems] == [3]
    result = allocation.assign_csv(ops, data, skip_invalid=True)
    assert [a.recipient_name for a in result.assigned] == ["Lee, Ann"] and [p.line for p in result.skipped] == [3]
    with pytest.raises(RecipientsInvalid) as refused:
        allocation.assign_csv(ops, b"\xff\xfe n\x00a\x00")
    assert refused.value.problems[0].line == 1


def test_more_recipients_than_stock_is_refused_whole(database_url: str) -> None:
    admin = member("admin")
    company_esims(admin.org_id, 2)  # type: ignore[arg-type]
    with pytest.raises(NotEnoughStock) as refused:
        allocation.assign_text(admin, "a, a@example.com\nb, b@example.com\nc, c@example.com")
    assert refused.value.params == {"available": 2, "wanted": 3}
    assert _live(admin.org_id) == 0  # type: ignore[arg-type]


def test_an_esim_already_given_is_refused_with_already_allocated(database_url: str) -> None:
    admin = member("admin")
    ref = company_esims(admin.org_id, 1)[0]  # type: ignore[arg-type]
    allocation.assign_one(admin, ref, "Ada", "ada@example.com")
    with pytest.raises(AllocationConflict) as refused:
        allocation.assign_one(admin, ref, "Bob", "bob@example.com")
    assert refused.value.code == "enterprise_allocation_conflict"
    from esim_app.errors import message_for
    assert message_for(refused.value) == ALREADY_ALLOCATED


def test_revoking_kills_the_link_and_reassigning_gives_a_new_one(database_url: str) -> None:
    admin = member("admin")
    ref = company_esims(admin.org_id, 1)[0]  # type: ignore[arg-type]
    allocation.assign_one(admin, ref, "Ada", "ada-r@example.com")
    first = _link("ada-r@example.com")
    assert not inventory.list_inventory(admin).rows[0].link_opened
    view = installs.open_install(first)
    assert inventory.list_inventory(admin).rows[0].link_opened  # the company sees the page was opened
    assert view.recipient_name == "Ada" and view.lpa.startswith("LPA:1$rsp.example.com$")
    assert view.qr_data_uri.startswith("data:image/png;base64,") and unquote(view.ios_install_url).endswith(view.lpa)

    allocation.reassign(admin, ref, "Bob", "bob-r@example.com")
    with pytest.raises(InvalidInstallLink):
        installs.open_install(first)
    assert installs.open_install(_link("bob-r@example.com")).recipient_name == "Bob"
    allocation.revoke(admin, ref)
    with pytest.raises(InvalidInstallLink):
        installs.open_install(_link("bob-r@example.com"))
    assert inventory.list_inventory(admin).rows[0].status == "in_stock"
    with db.session() as s:  # the company's log tells it in the order it happened
        actions = s.exec(select(AuditLog.action).where(AuditLog.enterprise_account_id == admin.org_id)
                         .order_by(col(AuditLog.id))).all()
    assert actions == ["esim_assigned", "esim_revoked", "esim_assigned", "esim_revoked"]


def test_an_installed_esim_cannot_be_taken_back(database_url: str) -> None:
    admin = member("admin")
    ref = company_esims(admin.org_id, 1)[0]  # type: ignore[arg-type]
    allocation.assign_one(admin, ref, "Ada", "ada-i@example.com")
    with db.session() as s:
        s.exec(sa.text("UPDATE esims SET status = 'active' WHERE display_id = :r").bindparams(r=ref))
        s.commit()
    with pytest.raises(EsimInUse):
        allocation.revoke(admin, ref)
    link = _link("ada-i@example.com")
    assert installs.open_install(link).esim_status == "active"
    allocation.end_link(admin, ref)  # the details of an installed eSIM need not stay reachable
    with pytest.raises(InvalidInstallLink):
        installs.open_install(link)
    row = inventory.list_inventory(admin).rows[0]
    assert row.status == "installed" and row.recipient_name == "Ada"  # she keeps the eSIM
    allocation.end_link(admin, ref)  # once is enough


def test_an_expired_link_or_a_suspended_company_shows_nothing(database_url: str) -> None:
    admin = member("admin")
    refs = company_esims(admin.org_id, 2)  # type: ignore[arg-type]
    allocation.assign_one(admin, refs[0], "Ada", "ada-x@example.com")
    allocation.assign_one(admin, refs[1], "Bob", "bob-x@example.com")
    with db.session() as s:
        s.exec(sa.update(EsimAllocation).where(EsimAllocation.recipient_email == "ada-x@example.com")
               .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        s.commit()
    with pytest.raises(InvalidInstallLink):
        installs.open_install(_link("ada-x@example.com"))
    bob = _link("bob-x@example.com")
    assert installs.open_install(bob).recipient_name == "Bob"
    with db.session() as s:
        s.get(EnterpriseAccount, admin.org_id).status = "suspended"  # type: ignore[union-attr]
        s.commit()
    with pytest.raises(InvalidInstallLink):
        installs.open_install(bob)
    with pytest.raises(NotAllowed):
        allocation.assign_text(admin, "c, c@example.com")
    for bad in ("", "x" * 500, bob[:-1]):
        with pytest.raises(InvalidInstallLink):
            installs.open_install(bad)


def test_only_admins_and_operations_assign_and_only_their_company_esims(database_url: str) -> None:
    admin = member("admin")
    refs = company_esims(admin.org_id, 2)  # type: ignore[arg-type]
    for role in ("finance", "viewer"):
        with pytest.raises(NotAllowed):
            allocation.assign_one(member(role, company_id=admin.org_id), refs[0], "Eve", "eve@example.com")
    other = member("admin", company="Globex")
    company_esims(other.org_id, 1)  # type: ignore[arg-type]
    with pytest.raises(AllocationConflict):
        allocation.assign_one(other, refs[0], "Eve", "eve@example.com")
    with pytest.raises(Exception) as refused:
        allocation.revoke(other, refs[0])
    assert refused.value.code == "enterprise_esim_not_found"  # type: ignore[attr-defined]
    assert _live(admin.org_id) == 0 and inventory.list_inventory(other).total == 1  # type: ignore[arg-type]


def test_the_overview_counts_esims_as_the_inventory_does(database_url: str) -> None:
    """The overview's "eSIMs assigned" once said 0 whatever was handed out: its figures are the
    inventory's status counts now."""
    admin = member("admin")
    cid = admin.org_id
    company_esims(cid, 4)  # type: ignore[arg-type]
    company_esims(cid, 1, status="active", used_mb=100)  # type: ignore[arg-type]
    company_esims(cid, 1, status="active", used_mb=0)  # type: ignore[arg-type]
    allocation.assign_text(admin, "Ada, ada@example.com\nBo, bo@example.com\nCy, cy@example.com")
    allocation.revoke(admin, inventory.list_inventory(admin, search="cy@").rows[0].esim_ref)
    home = billing.overview(member("viewer", company_id=cid))
    assert home.esims == billing.EsimCounts(in_stock=2, assigned=2, active=1, data_used_mb=100)
    counts = inventory.esim_counts(admin)
    assert (counts["in_stock"], counts["assigned"], counts["installed"], counts["active"]) == (2, 2, 1, 1)


def test_inventory_derives_statuses_and_filters_searches_and_pages(database_url: str) -> None:
    admin = member("admin")
    cid = admin.org_id
    stock = company_esims(cid, 3)  # type: ignore[arg-type]
    company_esims(cid, 1, status="active", used_mb=0)  # type: ignore[arg-type]
    company_esims(cid, 1, status="active", used_mb=100)  # type: ignore[arg-type]
    company_esims(cid, 1, status="used_up", used_mb=3072)  # type: ignore[arg-type]
    company_esims(cid, 1, expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))  # type: ignore[arg-type]
    allocation.assign_one(admin, stock[0], "Zoë Quinn", "zoe@example.com")
    viewer = member("viewer", company_id=cid)
    page = inventory.list_inventory(viewer)
    assert page.counts == {"in_stock": 2, "assigned": 1, "installed": 1, "active": 1, "used_up": 1, "expired": 1}
    assert inventory.esim_counts(viewer) == page.counts
    assert page.total == 7
    assigned = inventory.list_inventory(viewer, status="assigned").rows
    assert [(r.esim_ref, r.recipient_name, r.recipient_email) for r in assigned] == [
        (stock[0], "Zoë Quinn", "zoe@example.com")]
    assert [r.esim_ref for r in inventory.list_inventory(viewer, search="ZOE@").rows] == [stock[0]]
    iccid = inventory.list_inventory(viewer, status="in_stock").rows[0].iccid
    assert [r.iccid for r in inventory.list_inventory(viewer, search=iccid[-8:]).rows] == [iccid]
    assert inventory.list_inventory(viewer, search="100%_").total == 0
    pages = [inventory.list_inventory(viewer, sort="iccid", descending=False, page=p, page_size=3) for p in range(3)]
    iccids = [r.iccid for p in pages for r in p.rows]
    assert len(iccids) == 7 and iccids == sorted(iccids)
    with pytest.raises(NotAllowed):
        inventory.list_inventory(viewer, status="stolen")


def test_the_install_page_names_the_plan_and_the_last_day_in_the_employees_language(database_url: str) -> None:
    admin = member("admin")
    ref = company_esims(admin.org_id, 1)[0]  # type: ignore[arg-type]
    allocation.assign_one(admin, ref, "Kenji", "kenji@example.com")
    token = _link("kenji@example.com")
    english, japanese = installs.open_install(token), installs.open_install(token, lang="ja")
    assert "days" in english.plan_name and "日間" in japanese.plan_name and "days" not in japanese.plan_name
    assert english.link_expires_on != japanese.link_expires_on and "/" in japanese.link_expires_on


def test_listed_esims_go_to_the_recipients_in_the_order_listed(database_url: str) -> None:
    admin = member("operations")
    first, second, third = company_esims(admin.org_id, 3)  # type: ignore[arg-type]
    people = [Recipient("Ada Lovelace", "ada-order@example.com"),
              Recipient("Bob Baker", "bob-order@example.com")]
    result = allocation.assign(admin, people, esim_refs=[third, first])
    assert [(a.esim_ref, a.recipient_email) for a in result.assigned] == [
        (third, "ada-order@example.com"), (first, "bob-order@example.com")]
    with db.session() as s:  # the database agrees with the answer, and each email names its own eSIM's link
        held = dict(s.exec(select(EsimAllocation.recipient_email, Esim.display_id)
                           .join(Esim, col(Esim.id) == EsimAllocation.esim_id)
                           .where(EsimAllocation.enterprise_account_id == admin.org_id)).all())
    assert held == {"ada-order@example.com": third, "bob-order@example.com": first}
    assert second not in held.values()
    assert installs.open_install(_link("ada-order@example.com")).iccid == result.assigned[0].iccid
