"""Staff (password step, then a second factor: test_staff_totp.py) and enterprise accounts sign in with a password."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from sqlmodel import select

from esim_app.errors import message_for
from services.accounts import errors, passwords, sessions, staff
from services.core import db
from services.core.models import Admin, AuditLog, LoginAttempt
from tests.support.enterprise import company_user
from tests.support.staff import staff_sign_in

PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_email(email: str) -> str:
    passwords.create_admin(email, PASSWORD, name="Grace")
    return email


def _enterprise(email: str, *, status: str = "active") -> int:
    return company_user(email, PASSWORD, status=status)[0]


def _audit(role: str, principal_id: int) -> list[AuditLog]:
    with db.session() as s:
        query = select(AuditLog).where(AuditLog.actor_type == role, AuditLog.actor_id == principal_id)
        return list(s.exec(query))


def test_an_admin_signs_in_and_it_is_audited(admin_email: str, ip: str) -> None:
    new = staff_sign_in(admin_email.upper(), PASSWORD, ip=ip, user_agent="Chrome")
    assert new.identity.role == "admin" and new.identity.display_name == "Grace"
    assert sessions.resolve_session(sessions.exchange_ticket(new.ticket).token) == new.identity
    (entry,) = [e for e in _audit("admin", new.identity.principal_id) if e.action == "login"]
    assert entry.ip == ip and entry.entity_id == str(new.identity.session_id)
    with db.session() as s:
        assert s.get(Admin, new.identity.principal_id).last_login_at is not None


def test_an_enterprise_account_signs_in_scoped_to_its_organisation(email: str, ip: str) -> None:
    org_id = _enterprise(email)
    new = passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None)
    assert new.identity.role == "enterprise" and new.identity.org_id == org_id
    assert new.identity.display_name == "Acme Travel" and new.identity.roles == ("admin",)
    assert [(e.action, e.enterprise_account_id) for e in _audit("enterprise", new.identity.principal_id)] == [
        ("login", org_id)]


def test_a_wrong_password_and_an_unknown_account_get_the_same_refusal(admin_email: str, ip: str) -> None:
    with pytest.raises(errors.InvalidCredentials) as wrong:
        staff.begin_sign_in(admin_email, PASSWORD + "!", ip=ip, user_agent=None)
    with pytest.raises(errors.InvalidCredentials) as unknown:
        staff.begin_sign_in("nobody-" + admin_email, PASSWORD, ip=ip, user_agent=None)
    with pytest.raises(errors.InvalidCredentials) as other_portal:  # an admin is not an enterprise account
        passwords.login_with_password("enterprise", admin_email, PASSWORD, ip=ip, user_agent=None)
    assert str(wrong.value) == str(unknown.value) == str(other_portal.value)
    assert message_for(wrong.value) == "Wrong email or password."
    assert wrong.value.code == "invalid_credentials"


def test_an_unknown_account_costs_a_bcrypt_check(admin_email: str, ip: str) -> None:
    staff.begin_sign_in(admin_email, PASSWORD, ip=ip, user_agent=None)  # warm up
    started = time.perf_counter()
    passwords.verify_password(PASSWORD, passwords.hash_password(PASSWORD))
    one_check = (time.perf_counter() - started) / 2
    started = time.perf_counter()
    with pytest.raises(errors.InvalidCredentials):
        staff.begin_sign_in(f"{uuid.uuid4().hex}@example.com", PASSWORD, ip=ip, user_agent=None)
    assert time.perf_counter() - started > one_check * 0.5


def test_a_suspended_enterprise_account_is_refused(email: str, ip: str) -> None:
    _enterprise(email, status="suspended")
    with pytest.raises(errors.InvalidCredentials):
        passwords.login_with_password("enterprise", email, "wrong password!", ip=ip, user_agent=None)
    with pytest.raises(errors.AccountDisabled) as refused:  # said only to someone who knows the password
        passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None)
    assert refused.value.code == "company_suspended"  # the company is suspended: the sign-in page says so


def test_an_inactive_admin_is_refused(admin_email: str, ip: str) -> None:
    with db.session() as s:
        s.get(Admin, staff_sign_in(admin_email, PASSWORD, ip=ip).identity.principal_id).is_active = False
        s.commit()
    with pytest.raises(errors.AccountDisabled):
        staff.begin_sign_in(admin_email, PASSWORD, ip=ip, user_agent=None)


def _failures(*, email: str, ip: str, count: int) -> None:
    with db.session() as s:
        s.add_all(LoginAttempt(kind="password", email=email, ip=ip, succeeded=False,
                               created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
                  for _ in range(count))
        s.commit()


def test_password_failures_are_limited_per_email(admin_email: str, ip: str) -> None:
    _failures(email=admin_email, ip="10.250.0.1", count=9)
    with pytest.raises(errors.InvalidCredentials):  # the tenth failure is still checked
        staff.begin_sign_in(admin_email, "guess number ten", ip=ip, user_agent=None)
    with pytest.raises(errors.RateLimited) as refused:  # then even the right password waits
        staff.begin_sign_in(admin_email, PASSWORD, ip=ip, user_agent=None)
    assert 13 * 60 < refused.value.retry_after_seconds <= 14 * 60


def test_password_failures_are_limited_per_ip(admin_email: str, ip: str) -> None:
    _failures(email="someone-else@example.com", ip=ip, count=30)
    with pytest.raises(errors.RateLimited):
        staff.begin_sign_in(admin_email, PASSWORD, ip=ip, user_agent=None)
    assert staff.begin_sign_in(admin_email, PASSWORD, ip="10.251.0.1", user_agent=None)
