"""Customers as staff see them: search, detail with spend, disable (sessions end, no sign-in), enable,
end sessions, export; audited, once per key, and refused to roles that only read."""

from __future__ import annotations

import pytest
from sqlmodel import select

from services import admin
from services.accounts import codes, sessions
from services.accounts.errors import AccountDisabled
from services.core import db
from services.core.models import AuditLog, User
from tests.integration.auth.conftest import latest_code
from tests.support.admin import key, staff
from tests.support.orders import order_row
from tests.support.tabs import exchange


def _signed_in_customer(email: str) -> str:
    codes.request_login_code(email, ip="10.7.0.1")
    return exchange(codes.verify_login_code(email, latest_code(email), ip="10.7.0.1", user_agent="pytest")).token


def _user_ref(user_id: int) -> str:
    with db.session() as s:
        return s.get(User, user_id).display_id  # type: ignore[union-attr]


async def test_search_and_detail_with_orders_esims_and_spend(completed_order, customer: int,
                                                              stripe_sandbox: str) -> None:
    order_id = await completed_order("esim_go")
    ref = _user_ref(customer)
    with db.session() as s:
        email = s.get(User, customer).email  # type: ignore[union-attr]
    found = await admin.list_customers(staff("finance"), query=email[:6])
    assert [r.ref for r in found.rows] == [ref]
    assert [r.email for r in (await admin.list_customers(staff("support"), query=ref.lower())).rows] == [email]
    detail = await admin.get_customer(staff("operations"), user_ref=ref)
    assert [o.ref for o in detail.orders] == [order_row(order_id).display_id] and len(detail.esims) == 1
    assert detail.spend == (("USD", order_row(order_id).price_cents),)


async def test_disabling_ends_sessions_and_stops_sign_in_then_enabling_allows_it(orders_db: str) -> None:
    email = "disable-me@example.com"
    token = _signed_in_customer(email)
    assert sessions.resolve_session(token) is not None
    with db.session() as s:
        ref = s.exec(select(User.display_id).where(User.email == email)).one()
    with pytest.raises(admin.NotPermitted):
        await admin.set_customer_active(staff("operations"), user_ref=ref, active=False, note="x", key=key())
    support, same = staff("support"), key()
    first = await admin.set_customer_active(support, user_ref=ref, active=False, note="Fraud report", key=same)
    again = await admin.set_customer_active(support, user_ref=ref, active=False, note="Fraud report", key=same)
    assert (first.changed, first.values["sessions_ended"], again.changed) == (True, 1, False)
    assert sessions.resolve_session(token) is None
    codes.request_login_code(email, ip="10.7.0.2")
    with pytest.raises(AccountDisabled):
        codes.verify_login_code(email, latest_code(email), ip="10.7.0.2", user_agent=None)
    await admin.set_customer_active(support, user_ref=ref, active=True, note="Cleared", key=key())
    assert _signed_in_customer(email)
    with db.session() as s:
        rows = s.exec(select(AuditLog).where(AuditLog.entity_type == "user", AuditLog.entity_id == ref)
                      .order_by(AuditLog.id)).all()
    assert [(r.action, r.details["before"], r.details["after"]) for r in rows] == [
        ("customer.disabled", {"active": True}, {"active": False}),
        ("customer.enabled", {"active": False}, {"active": True})]


async def test_revoke_sessions_and_export(orders_db: str) -> None:
    email = "export-me@example.com"
    token = _signed_in_customer(email)
    with db.session() as s:
        ref = s.exec(select(User.display_id).where(User.email == email)).one()
    owner = staff("owner")
    result = await admin.revoke_customer_sessions(owner, user_ref=ref, note="Lost phone", key=key())
    assert result.values["sessions_ended"] == 1 and sessions.resolve_session(token) is None
    with pytest.raises(admin.NotPermitted):
        await admin.export_customer(staff("finance"), user_ref=ref)
    document = await admin.export_customer(owner, user_ref=ref)
    assert document["customer"]["email"] == email and len(document["sessions"]) == 1
    assert "token_hash" not in document["sessions"][0]
    assert [e["template"] for e in document["emails"]] == ["login_code"]
    assert {a["action"] for a in document["audit"]} >= {"customer.sessions_revoked"}
    with pytest.raises(admin.CustomerNotFound):
        await admin.get_customer(owner, user_ref="UID999999999")
