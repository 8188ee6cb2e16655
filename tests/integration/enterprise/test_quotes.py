"""Quotes: a company requests, staff price and send, the company accepts or rejects; expiry; roles;
accepting twice at once gives one order."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from services.accounts import passwords, sessions
from services.accounts.errors import NotPermitted
from services.core import db
from services.core.models import AuditLog, EnterpriseQuote, Package
from services.enterprise import errors, quote_pricing, quote_views, quotes
from services.enterprise.quote_pricing import LinePrice
from services.enterprise.quotes import LineRequest
from tests.integration.enterprise.conftest import emails_to
from tests.support.enterprise import company_user

TODAY = dt.datetime.now(dt.UTC).date()


def company_identity(role: str = "admin", *, company_id: int | None = None) -> sessions.Identity:
    """A company user's identity as the session would resolve it (no sign-in: no bcrypt round)."""
    email = f"q-{uuid.uuid4().hex[:10]}@example.com"
    org, user = company_user(email, "correct horse battery", company_id=company_id, role=role)
    return sessions.Identity(role="enterprise", principal_id=user, email=email, display_name="Acme", session_id=0,
                             roles=(role,), company_id=org)


def staff_identity(staff_role: str = "finance") -> sessions.Identity:
    email = f"staff-{uuid.uuid4().hex[:10]}@example.com"
    admin_id = passwords.create_admin(email, "a long admin passphrase", staff_role=staff_role)
    return sessions.Identity(role="admin", principal_id=admin_id, email=email, display_name="Sam", session_id=0,
                             roles=sessions.staff_roles(staff_role))


def plan(price_cents: int = 799) -> str:
    slug = f"q-{uuid.uuid4().hex[:10]}"
    with db.session() as s:
        s.add(Package(slug=slug, provider_id="airalo", provider_package_id=slug, kind="local", destination_code="JP",
                      destination_name="Japan", name="Japan 3 GB · 15 days", data_mb=3072, validity_days=15,
                      cost_micros=4_000_000, price_cents=price_cents, group_key=slug, is_best_price=True))
        s.commit()
    return slug


def _priced(company: sessions.Identity, staff: sessions.Identity, *, quantity: int = 20) -> quotes.QuoteView:
    view = quotes.request_quote(company, [LineRequest(quantity, plan_slug=plan())], wanted_by=None, note="", ip=None)
    return quote_pricing.send_quote(staff, view.ref, prices={view.lines[0].id: LinePrice(650)},
                                    valid_until=TODAY + dt.timedelta(days=14), ip="10.1.1.1")


def _company_log(company_id: int) -> list[str]:
    with db.session() as s:
        return list(s.exec(select(AuditLog.action).where(AuditLog.enterprise_account_id == company_id)
                           .order_by(col(AuditLog.id))).all())


def test_a_quote_is_requested_priced_sent_and_accepted(database_url: str) -> None:
    company, staff = company_identity("operations"), staff_identity("finance")
    slug = plan()
    # given a request with a catalogue line and a free-text need
    view = quotes.request_quote(company, [LineRequest(20, plan_slug=slug),
                                          LineRequest(5, countries=("France", "de"), data_gb=10, days=30)],
                                wanted_by=TODAY + dt.timedelta(days=7), note="Sales kick-off", ip="10.0.0.1")
    assert view.status == "requested" and view.total_cents is None and len(view.lines) == 2
    assert view.lines[1].is_custom and view.lines[1].countries == ("FR", "DE")
    assert [q.ref for q in quotes.list_quotes(company).rows] == [view.ref]
    assert view.ref in [q.ref for q in quote_pricing.quote_queue(staff, status="requested").rows]
    # when staff price it, the need needs a package first
    need = view.lines[1].id
    with pytest.raises(errors.LinePackageMissing):
        quote_pricing.send_quote(staff, view.ref, prices={view.lines[0].id: LinePrice(650), need: LinePrice(900)},
                                 valid_until=TODAY + dt.timedelta(days=14), ip=None)
    with pytest.raises(errors.InvalidLinePrice):
        quote_pricing.send_quote(staff, view.ref, prices={need: LinePrice(900, slug)},
                                 valid_until=TODAY + dt.timedelta(days=14), ip=None)
    sent = quote_pricing.send_quote(staff, view.ref, prices={view.lines[0].id: LinePrice(650),
                                                             need: LinePrice(900, slug)},
                                    valid_until=TODAY + dt.timedelta(days=14), ip="10.1.1.1")
    # then it is priced, the company is emailed, and staff's audit row has before and after
    assert sent.status == "priced" and sent.total_cents == 20 * 650 + 5 * 900 and sent.revision == 1
    assert sent.lines[1].package_slug == slug
    assert [m.template for m in emails_to(company.email)] == ["quote_priced"]
    with db.session() as s:
        row = s.exec(select(AuditLog).where(AuditLog.actor_id == staff.principal_id,
                                            AuditLog.action == "quote_sent")).one()
    assert row.details["before"]["status"] == "requested" and row.details["after"]["total_cents"] == sent.total_cents
    with db.session() as s:  # the company's overview counts it as waiting for its answer
        assert quote_views.waiting_count(s, company.org_id) == 1
    # and the company accepts what it saw
    accepted = quotes.accept_quote(company, view.ref, revision=sent.revision, ip="10.0.0.1")
    assert accepted.status == "accepted" and accepted.order_ref
    assert _bulk_orders(view.ref) == [(accepted.order_ref, sent.total_cents, "pending")]
    assert _company_log(company.org_id)[-3:] == ["quote_requested", "bulk_order_placed", "quote_accepted"]
    assert quotes.accept_quote(company, view.ref, revision=sent.revision, ip=None).status == "accepted"  # a repeat
    with pytest.raises(errors.QuoteNotOpen):
        quotes.reject_quote(company, view.ref, revision=sent.revision, ip=None)
    with pytest.raises(errors.QuoteNotOpen):
        quote_pricing.send_quote(staff, view.ref, prices={}, valid_until=TODAY, ip=None)


def test_a_request_is_checked_line_by_line(database_url: str) -> None:
    company = company_identity()
    with pytest.raises(errors.QuoteWithoutLines):
        quotes.request_quote(company, [], wanted_by=None, note="", ip=None)
    for bad in (LineRequest(0, plan_slug=plan()), LineRequest(1, plan_slug="no-such-plan"),
                LineRequest(1, countries=("Atlantis",), data_gb=1, days=7), LineRequest(1, countries=("JP",), days=0)):
        with pytest.raises(errors.InvalidQuoteLine) as refused:
            quotes.request_quote(company, [LineRequest(1, plan_slug=plan()), bad], wanted_by=None, note="", ip=None)
        assert refused.value.params["line"] == 2
    with pytest.raises(errors.InvalidWantedBy):
        quotes.request_quote(company, [LineRequest(1, plan_slug=plan())], wanted_by=TODAY - dt.timedelta(days=1),
                             note="", ip=None)


def test_roles_decide_who_requests_accepts_and_prices(database_url: str) -> None:
    admin = company_identity("admin")
    viewer = company_identity("viewer", company_id=admin.org_id)
    other = company_identity("admin")
    view = _priced(admin, staff_identity("operations"))
    assert quotes.get_quote(viewer, view.ref).status == "priced"  # finance and viewers read
    for refused in (lambda: quotes.accept_quote(viewer, view.ref, revision=1, ip=None),
                    lambda: quotes.request_quote(viewer, [LineRequest(1, plan_slug=plan())], wanted_by=None, note="",
                                                 ip=None)):
        with pytest.raises(errors.RoleNotAllowed):
            refused()
    with pytest.raises(errors.QuoteNotFound):  # another company's quote does not exist for it
        quotes.accept_quote(other, view.ref, revision=1, ip=None)
    support = staff_identity("support")
    assert quote_pricing.quote_for_staff(support, view.ref).ref == view.ref  # support reads
    with pytest.raises(NotPermitted):
        quote_pricing.send_quote(support, view.ref, prices={}, valid_until=TODAY, ip=None)
    with pytest.raises(NotPermitted):
        quote_pricing.quote_queue(admin, status=None)
    assert quote_pricing.quote_for_staff(staff_identity("owner"), view.ref).status == "priced"


def test_new_prices_are_accepted_only_once_seen_and_a_rejection_orders_nothing(database_url: str) -> None:
    company, staff = company_identity(), staff_identity()
    view = _priced(company, staff)
    resent = quote_pricing.send_quote(staff, view.ref, prices={view.lines[0].id: LinePrice(600)},
                                      valid_until=TODAY + dt.timedelta(days=3), ip=None)
    with pytest.raises(errors.QuoteChanged):
        quotes.accept_quote(company, view.ref, revision=view.revision, ip=None)
    rejected = quotes.reject_quote(company, view.ref, revision=resent.revision, ip=None)
    assert rejected.status == "rejected" and rejected.order_ref is None and _bulk_orders(view.ref) == []
    assert "quote_rejected" in _company_log(company.org_id)


def test_a_quote_past_its_validity_reads_expired_and_the_job_marks_it(database_url: str) -> None:
    company, staff = company_identity(), staff_identity()
    view = _priced(company, staff)
    with db.get_engine().begin() as conn:
        conn.execute(sa.update(EnterpriseQuote).where(EnterpriseQuote.display_id == view.ref)
                     .values(valid_until=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
    assert quotes.get_quote(company, view.ref).status == "expired"  # on read, before the job
    assert view.ref in [q.ref for q in quote_pricing.quote_queue(staff, status="expired").rows]
    assert view.ref not in [q.ref for q in quote_pricing.quote_queue(staff, status="priced").rows]
    with pytest.raises(errors.QuoteExpired):
        quotes.accept_quote(company, view.ref, revision=view.revision, ip=None)
    assert quote_pricing.expire_quotes() >= 1
    with db.session() as s:
        assert s.exec(select(EnterpriseQuote.status).where(EnterpriseQuote.display_id == view.ref)).one() == "expired"
    assert _company_log(company.org_id).count("quote_expired") == 1
    resent = quote_pricing.send_quote(staff, view.ref, prices={view.lines[0].id: LinePrice(640)},
                                      valid_until=TODAY + dt.timedelta(days=2), ip=None)  # staff may send it again
    assert quotes.accept_quote(company, view.ref, revision=resent.revision, ip=None).status == "accepted"


def _bulk_orders(quote_ref: str) -> list[tuple[str, int, str]]:
    """(reference, total, status) of the bulk orders placed for the quote."""
    with db.get_engine().connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT b.display_id, b.total_cents, b.status FROM bulk_orders b JOIN enterprise_quotes q"
            " ON q.id = b.quote_id WHERE q.display_id = :r"), {"r": quote_ref})]


def test_two_browsers_accepting_at_once_place_one_order(database_url: str) -> None:
    company, staff = company_identity(), staff_identity()
    view = _priced(company, staff)
    barrier, results = threading.Barrier(2), []

    def accept() -> None:
        barrier.wait()
        results.append(quotes.accept_quote(company, view.ref, revision=view.revision, ip=None))

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status for r in results] == ["accepted", "accepted"]
    orders = _bulk_orders(view.ref)
    assert len(orders) == 1 and {r.order_ref for r in results} == {orders[0][0]}
    assert orders[0][1] == 20 * 650 and orders[0][2] == "pending"  # at the quoted price, waiting for payment
    assert _company_log(company.org_id).count("quote_accepted") == 1
