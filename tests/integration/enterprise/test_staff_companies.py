"""Staff create companies (with a credit limit; the contact is invited), list them, suspend and
reactivate them; a suspended company's users are refused at once, and business sign-in slows down
after wrong passwords instead of locking the account."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlmodel import col, select

from services.accounts import errors as account_errors
from services.accounts import passwords, sessions
from services.accounts.errors import NotPermitted
from services.core import db
from services.core.models import AuditLog, EnterpriseAccount, LoginAttempt
from services.enterprise import errors, links, staff_companies
from tests.integration.enterprise.conftest import PASSWORD, latest_link
from tests.integration.enterprise.test_quotes import staff_identity
from tests.support.tabs import exchange


def test_staff_create_a_company_with_a_credit_limit_and_its_contact_is_invited(email: str, ip: str) -> None:
    staff = staff_identity("operations")
    created = staff_companies.create_company(staff, "  Globex  Travel ", email, credit_limit_cents=500_000, ip=ip)
    assert created.ref.startswith("COM") and created.name == "Globex Travel" and created.status == "active"
    with db.session() as s:
        company = s.exec(select(EnterpriseAccount).where(EnterpriseAccount.display_id == created.ref)).one()
        row = s.exec(select(AuditLog).where(AuditLog.actor_id == staff.principal_id,
                                            AuditLog.action == "company_created")).one()
    assert company.credit_limit_cents == 500_000
    assert row.details["after"]["credit_limit_cents"] == 500_000
    assert (row.entity_type, row.entity_id) == ("company", created.ref)
    assert links.check_link(latest_link(email)).email == email
    listed = staff_companies.list_companies(staff_identity("support"), query="globex")
    assert created.ref in [c.ref for c in listed.rows]
    with pytest.raises(errors.InvalidCreditLimit):
        staff_companies.create_company(staff, "Negative", f"n-{email}", credit_limit_cents=-1, ip=ip)
    with pytest.raises(errors.UserExists):
        staff_companies.create_company(staff, "Again", email, credit_limit_cents=0, ip=ip)
    with pytest.raises(NotPermitted):
        staff_companies.create_company(staff_identity("support"), "Nope", f"x-{email}", credit_limit_cents=0, ip=ip)


def test_a_suspended_company_is_refused_everywhere_until_reactivated(email: str, ip: str) -> None:
    staff = staff_identity("finance")
    created = staff_companies.create_company(staff, "Initech", email, credit_limit_cents=0, ip=ip)
    links.set_password(latest_link(email), PASSWORD, ip=ip)
    signed_in = exchange(passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None))
    assert sessions.resolve_session(signed_in.token) is not None
    # when staff suspend it
    assert staff_companies.set_company_status(staff, created.ref, suspended=True, ip=ip).status == "suspended"
    # then the open session stops at its next event, saying why, and sign-in is refused with the reason
    assert sessions.resolve_session(signed_in.token) is None
    assert sessions.refusal(signed_in.token) == "company_suspended"
    with pytest.raises(account_errors.CompanySuspended) as refused:
        passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None)
    assert refused.value.code == "company_suspended"
    with pytest.raises(account_errors.InvalidCredentials):  # a wrong password learns nothing
        passwords.login_with_password("enterprise", email, "not the password", ip=ip, user_agent=None)
    with db.session() as s:
        row = s.exec(select(AuditLog).where(AuditLog.actor_id == staff.principal_id, AuditLog.entity_type == "company",
                                            col(AuditLog.enterprise_account_id).is_(None),
                                            AuditLog.action == "company_suspended")).one()
        company_log = s.exec(select(AuditLog.action).where(AuditLog.enterprise_account_id == signed_in.identity.org_id)
                             .order_by(col(AuditLog.id))).all()
    assert row.details["before"] == {"status": "active"} and row.details["after"] == {"status": "suspended"}
    assert "company_suspended" in company_log
    # and reactivating lets the same session and the password in again
    staff_companies.set_company_status(staff, created.ref, suspended=False, ip=ip)
    assert sessions.resolve_session(signed_in.token) is not None and sessions.refusal(signed_in.token) is None
    passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None)
    with pytest.raises(NotPermitted):
        staff_companies.set_company_status(staff_identity("support"), created.ref, suspended=True, ip=ip)
    with pytest.raises(errors.CompanyNotFound):
        staff_companies.set_company_status(staff, "COMNOSUCH", suspended=True, ip=ip)


def _failures(email: str, count: int, *, ago: dt.timedelta) -> None:
    with db.session() as s:
        s.add_all(LoginAttempt(kind="password", email=email, ip=f"10.77.{i}.1", succeeded=False,
                               created_at=dt.datetime.now(dt.UTC) - ago) for i in range(count))
        s.commit()


def test_business_sign_in_slows_down_after_wrong_passwords_and_never_locks_out(email: str, ip: str) -> None:
    staff_companies.create_company(staff_identity(), "Hooli", email, credit_limit_cents=0, ip=ip)
    links.set_password(latest_link(email), PASSWORD, ip=ip)
    for _ in range(5):  # the first five wrong passwords are answered at once
        with pytest.raises(account_errors.InvalidCredentials):
            passwords.login_with_password("enterprise", email, "a wrong guess", ip=ip, user_agent=None)
    # then each further try waits after the last failure, 2, 4, 8 ... seconds (at most a minute), even with
    # the right password: ten more failures just now make it a full minute
    _failures(email, 10, ago=dt.timedelta(seconds=0))
    with pytest.raises(account_errors.SignInSlowedDown) as slowed:
        passwords.login_with_password("enterprise", email, PASSWORD, ip=f"10.78.{uuid.uuid4().int % 200}.1",
                                      user_agent=None)
    assert slowed.value.code == "sign_in_slowed" and 50 <= slowed.value.params["seconds"] <= 60
    # and however many failures an attacker piles up, a minute after the last one the owner's right
    # password signs in (no lockout)
    with db.session() as s:
        for attempt in s.exec(select(LoginAttempt).where(LoginAttempt.email == email)):
            attempt.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=61)
        s.commit()
    _failures(email, 40, ago=dt.timedelta(seconds=61))
    assert passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None).identity.email == email
