"""A company's audit log: sign-ins and sign-outs are in it, its admins read it at /business/audit,
and nobody else does (another company, other roles, a suspended company)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from esim_app.state.auth import AuthState
from esim_app.state.business_audit import BusinessAuditState
from services.accounts import passwords, sessions
from services.core import db
from services.core.models import EnterpriseAccount
from services.enterprise import company_audit
from services.enterprise.audit import record
from services.enterprise.errors import NotAllowed
from tests.support.enterprise import company_user, member
from tests.support.tabs import SignedIn, exchange, tab

PASSWORD = "correct horse battery"


def _sign_in(role: str = "admin", company_id: int | None = None) -> SignedIn:
    email = f"audit-{role}-{uuid.uuid4().hex[:8]}@example.com"
    company_user(email, PASSWORD, role=role, company_id=company_id)
    return exchange(passwords.login_with_password("enterprise", email, PASSWORD, ip="10.7.0.1", user_agent=None))


def test_a_sign_out_is_in_the_company_log_once_with_its_address(database_url: str) -> None:
    # given a company admin signed in
    admin = _sign_in()
    # when the session ends (twice: the page's handler, then the cookie route)
    sessions.revoke_session(admin.token, ip="10.7.0.2")
    sessions.revoke_session(admin.token, ip="10.7.0.2")
    # then the log holds the sign-in and one sign-out, newest first, with the user's address
    page = company_audit.list_company_audit(admin.identity, action="log")
    assert [(e.action, e.actor, e.ip) for e in page.rows] == [
        ("logout", admin.identity.email, "10.7.0.2"), ("login", admin.identity.email, "10.7.0.1")]
    assert page.total == 2


def test_only_the_company_admins_read_their_own_log(database_url: str) -> None:
    acme = _sign_in()
    globex = _sign_in()
    # another company sees its own log only
    assert all(e.actor == globex.identity.email for e in company_audit.list_company_audit(globex.identity).rows)
    # other roles of the same company are refused
    for role in ("operations", "finance", "viewer"):
        with pytest.raises(NotAllowed):
            company_audit.list_company_audit(member(role, company_id=acme.identity.org_id))
    # a suspended company reads nothing
    with db.session() as s, s.begin():
        s.execute(sa.update(EnterpriseAccount).where(EnterpriseAccount.id == acme.identity.org_id)
                  .values(status="suspended"))
    with pytest.raises(NotAllowed):
        company_audit.list_company_audit(acme.identity)


def test_store_staff_rows_hide_the_staff_member(database_url: str) -> None:
    acme = member("admin")
    with db.session() as s, s.begin():
        record(s, acme.org_id, actor_type="admin", actor_id=1, action="credit_limit_changed",  # type: ignore[arg-type]
               entity_type="enterprise_account", entity_id=acme.org_id, ip="192.0.2.1",  # type: ignore[arg-type]
               details={"before": 0, "after": 100, "note": None, "tiers": [{"min_quantity": 10}]})
    [row] = company_audit.list_company_audit(acme, action="credit").rows
    assert (row.actor, row.ip, row.action) == ("Store staff", "", "credit_limit_changed")
    assert row.details == 'after: 100 · before: 0 · tiers: [{"min_quantity": 10}]'  # for people: no nulls, no braces


async def test_the_audit_page_shows_admins_the_log_and_sends_others_home(database_url: str) -> None:
    admin = _sign_in()
    state = tab(BusinessAuditState, admin.token)
    await BusinessAuditState.event_handlers["load"].fn(state)
    assert [e.action for e in state.entries] == ["login"] and state.total == 1
    await BusinessAuditState.event_handlers["apply_filter"].fn(state, {"action": "export"})
    assert state.entries == [] and state.total == 0

    viewer = _sign_in("viewer", company_id=admin.identity.org_id)
    other = tab(BusinessAuditState, viewer.token)
    redirect = await BusinessAuditState.event_handlers["load"].fn(other)
    assert redirect is not None and other.entries == []


async def test_signing_out_from_the_portal_writes_the_row(database_url: str) -> None:
    admin = _sign_in()
    state = tab(AuthState, admin.token, ip="198.51.100.7")
    state.role = "enterprise"
    await AuthState.event_handlers["logout"].fn(state)
    assert company_audit.list_company_audit(admin.identity, action="logout").rows[0].ip == "198.51.100.7"
