"""Usage notices of company eSIMs go to the employee they are assigned to; the company gets a daily
summary, once a day however many schedulers run it."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from sqlmodel import col, select

from services.core import db
from services.core.models import EmailOutbox, Esim
from services.enterprise import allocation, usage_summary
from services.enterprise.recipients import Recipient
from services.orders.usage import UsageUpdate, apply_usage
from tests.support.enterprise import company_esims, member

NOW = dt.datetime.now(dt.UTC)


def _use(esim_ref: str, used_mb: int) -> list[str]:
    with db.session() as s, s.begin():
        esim = s.exec(select(Esim).where(col(Esim.display_id) == esim_ref).with_for_update()).one()
        return apply_usage(s, esim, UsageUpdate(used_mb=used_mb, total_mb=1000, provider_status="ACTIVE"), now=NOW)


def _mail(to: str, template: str) -> list[EmailOutbox]:
    with db.session() as s:
        return list(s.exec(select(EmailOutbox).where(col(EmailOutbox.to_address) == to,
                                                     col(EmailOutbox.template) == template)
                           .order_by(col(EmailOutbox.id))).all())


def test_an_assigned_esims_notices_go_to_its_employee_not_the_company(database_url: str) -> None:
    # given a company eSIM assigned to Ada, and one still in stock
    admin = member("admin")
    assigned, in_stock = company_esims(admin.org_id, 2)  # type: ignore[arg-type]
    allocation.assign(admin, [Recipient("Ada Lovelace", "ada-notice@example.com")], esim_refs=[assigned])
    # when both cross 80 % and then 100 %
    assert _use(assigned, 850) == ["usage_80"]
    assert _use(assigned, 1000) == ["usage_100"]
    assert _use(in_stock, 900) == []
    # then Ada got two notices in her company's words, and nobody got one about the eSIM in stock
    notices = _mail("ada-notice@example.com", "employee_notice")
    assert [m.subject for m in notices] == ["Your eSIM from Acme Travel has used 80% of its data",
                                            "Your eSIM from Acme Travel has used all its data"]
    assert "Hello Ada Lovelace" in notices[0].text_body and "/account/" not in notices[0].text_body
    assert _mail(admin.email, "usage_80") == []


def test_the_company_summary_is_sent_once_a_day_to_its_admins(database_url: str) -> None:
    # given a company with an admin, a viewer, two assigned eSIMs (one nearly used up) and one in stock
    admin = member("admin", company="Summary Travel")
    member("viewer", company_id=admin.org_id)
    first, second, _ = company_esims(admin.org_id, 3)  # type: ignore[arg-type]
    allocation.assign(admin, [Recipient("Ada", "ada-sum@example.com"), Recipient("Bob", "bob-sum@example.com")],
                      esim_refs=[first, second])
    _use(first, 900)
    # when four schedulers run the job at once, then again later the same day
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: usage_summary.send_usage_summaries(NOW), range(4)))
    usage_summary.send_usage_summaries(NOW + dt.timedelta(minutes=1))
    # then the admin got one summary; the viewer none
    [mail] = _mail(admin.email, "company_usage_summary")
    assert mail.subject == f"Summary Travel: eSIM usage on {NOW:%Y-%m-%d}"
    for text in ("In stock: 1", "Active: 1", "Assigned: 1", "At 80% of their data or more: 1", "Ada): 900 MB of"):
        assert text in mail.text_body, text
    # and the next day brings the next one
    usage_summary.send_usage_summaries(NOW + dt.timedelta(days=1))
    assert len(_mail(admin.email, "company_usage_summary")) == 2


def test_a_company_with_nothing_in_use_gets_no_summary(database_url: str) -> None:
    admin = member("admin", company="Idle Travel")
    company_esims(admin.org_id, 2)  # type: ignore[arg-type]
    usage_summary.send_usage_summaries(NOW)
    assert _mail(admin.email, "company_usage_summary") == []
    with db.session() as s:
        assert s.execute(sa.text("SELECT count(*) FROM usage_summaries WHERE enterprise_account_id = :c"),
                         {"c": admin.org_id}).scalar() == 0
