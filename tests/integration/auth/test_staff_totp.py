"""Staff sign-in: password, then TOTP (enrolled at the first sign-in) or a single-use recovery code."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from esim_app.errors import message_for
from services.accounts import errors, passwords, sessions, staff, totp
from services.core import crypto, db
from services.core.models import Admin, AdminRecoveryCode, AuditLog, AuthSession
from tests.support.staff import staff_sign_in, totp_secret

PASSWORD = "a long admin passphrase"
EVERY_ROLE = ("owner", "operations", "support", "finance")


@pytest.fixture
def admin_id(email: str) -> int:
    return passwords.create_admin(email, PASSWORD, name="Ada")


def _sessions(admin_id: int) -> int:
    with db.session() as s:
        return s.exec(sa.select(sa.func.count()).select_from(AuthSession)
                      .where(col(AuthSession.admin_id) == admin_id)).one()[0]


def _actions(admin_id: int) -> list[str]:
    with db.session() as s:
        rows = s.exec(select(AuditLog).where(AuditLog.actor_type == "admin", AuditLog.actor_id == admin_id)
                      .order_by(col(AuditLog.id))).all()
    return [r.action for r in rows]


def _enrol(email: str, ip: str) -> tuple[str, staff.EnrolledSession]:
    started = staff.begin_sign_in(email, PASSWORD, ip=ip, user_agent=None)
    assert started.enrolment is not None
    secret = started.enrolment.secret
    return secret, staff.confirm_enrolment(started.challenge, pyotp.TOTP(secret).now(), ip=ip, user_agent=None)


def test_the_first_sign_in_enrols_totp_with_the_secret_encrypted_and_codes_hashed(
        email: str, ip: str, admin_id: int) -> None:
    started = staff.begin_sign_in(email, PASSWORD, ip=ip, user_agent="Chrome")
    enrolment = started.enrolment
    assert enrolment is not None and len(enrolment.secret) == 32
    assert enrolment.uri.startswith("otpauth://totp/") and f"secret={enrolment.secret}" in enrolment.uri
    assert enrolment.qr_data_uri.startswith("data:image/png;base64,")
    with db.get_engine().connect() as conn:
        stored = conn.execute(sa.text("SELECT totp_secret FROM admins WHERE id = :i"), {"i": admin_id}).scalar_one()
    assert enrolment.secret not in stored and crypto.decrypt(stored) == enrolment.secret
    # no session of any kind before the second factor
    assert _sessions(admin_id) == 0
    enrolled = staff.confirm_enrolment(started.challenge, pyotp.TOTP(enrolment.secret).now(), ip=ip,
                                       user_agent="Chrome")
    assert len(set(enrolled.recovery_codes)) == 10 and _sessions(admin_id) == 1
    with db.session() as s:
        hashes = {r.code_hash for r in s.exec(select(AdminRecoveryCode)
                                             .where(AdminRecoveryCode.admin_id == admin_id))}
        assert s.get(Admin, admin_id).totp_confirmed_at is not None
    assert hashes == {totp.hash_recovery_code(c) for c in enrolled.recovery_codes}
    assert not hashes & set(enrolled.recovery_codes)
    started = sessions.exchange_ticket(enrolled.session.ticket)
    assert started is not None and sessions.resolve_session(started.token).roles == EVERY_ROLE
    assert _actions(admin_id) == ["totp_enrolment_started", "totp_enrolled", "login"]


def test_later_sign_ins_need_a_current_code_and_a_code_cannot_be_replayed(
        email: str, ip: str, admin_id: int) -> None:
    secret, _ = _enrol(email, ip)
    with db.session() as s:
        used_step = s.get(Admin, admin_id).totp_last_step
    started = staff.begin_sign_in(email, PASSWORD, ip=ip, user_agent=None)
    assert started.enrolment is None and _sessions(admin_id) == 1
    # the enrolment's code, replayed within its window, is refused; so is a wrong one
    for code in (pyotp.TOTP(secret).generate_otp(used_step), "000000"):
        with pytest.raises(errors.InvalidSecondFactor) as refused:
            staff.verify_second_factor(started.challenge, code, ip=ip, user_agent=None)
    assert refused.value.code == "invalid_second_factor" and "authenticator app" in message_for(refused.value)
    assert _sessions(admin_id) == 1
    new = staff.verify_second_factor(started.challenge, pyotp.TOTP(secret).generate_otp(used_step + 1),
                                     ip=ip, user_agent=None)
    assert new.identity.principal_id == admin_id and new.identity.roles == EVERY_ROLE
    actions = _actions(admin_id)
    assert actions[-4:] == ["login_password_accepted", "login_failed", "login_failed", "login"]


def test_a_recovery_code_signs_in_once(email: str, ip: str, admin_id: int) -> None:
    _, enrolled = _enrol(email, ip)
    code = enrolled.recovery_codes[3]
    first = staff.begin_sign_in(email, PASSWORD, ip=ip, user_agent=None)
    assert staff.verify_second_factor(first.challenge, code.upper(), ip=ip, user_agent=None)
    assert staff.recovery_codes_left(admin_id) == 9
    again = staff.begin_sign_in(email, PASSWORD, ip=ip, user_agent=None)
    with pytest.raises(errors.InvalidSecondFactor):
        staff.verify_second_factor(again.challenge, code, ip=ip, user_agent=None)
    with db.session() as s:
        logins = s.exec(select(AuditLog).where(AuditLog.actor_type == "admin", AuditLog.actor_id == admin_id,
                                               AuditLog.action == "login")).all()  # ids repeat across account kinds
    assert [e.details["method"] for e in logins] == ["password+totp", "password+recovery_code"]


def test_wrong_second_factors_count_in_the_password_limits(email: str, ip: str, admin_id: int) -> None:
    secret, _ = _enrol(email, ip)
    started = staff.begin_sign_in(email, PASSWORD, ip=ip, user_agent=None)
    for _ in range(10):
        with pytest.raises(errors.InvalidSecondFactor):
            staff.verify_second_factor(started.challenge, "zzzzz-zzzzz", ip=ip, user_agent=None)
    with pytest.raises(errors.RateLimited):  # then even a right code waits
        staff.verify_second_factor(started.challenge, pyotp.TOTP(secret).now(), ip=ip, user_agent=None)
    with pytest.raises(errors.RateLimited):
        staff.begin_sign_in(email, PASSWORD, ip=ip, user_agent=None)
    assert _actions(admin_id).count("login_failed") == 10


def test_a_stale_or_misused_challenge_starts_nothing(email: str, ip: str, admin_id: int) -> None:
    enrol = staff.begin_sign_in(email, PASSWORD, ip=ip, user_agent=None)
    with pytest.raises(errors.SignInExpired):  # an enrolment challenge is no sign-in challenge
        staff.verify_second_factor(enrol.challenge, "123456", ip=ip, user_agent=None)
    for forged in ("", "garbage", crypto.encrypt(f'{{"a": {admin_id}, "p": "verify"}}')[:-4] + "AAAA"):
        with pytest.raises(errors.SignInExpired):
            staff.confirm_enrolment(forged, "123456", ip=ip, user_agent=None)
    sealed = totp.seal_challenge(totp.Challenge(admin_id, "enrol"))
    later = dt.datetime.now(dt.UTC) + totp.CHALLENGE_TTL + dt.timedelta(seconds=5)
    assert totp.open_challenge(sealed) is not None
    token = crypto.current_keys().encrypt_at_time(b'{"a": 1, "p": "enrol"}', int(later.timestamp()) - 3600)
    assert totp.open_challenge(token.decode()) is None
    assert _sessions(admin_id) == 0


def test_staff_roles_reach_the_identity(email: str, ip: str) -> None:
    support_id = passwords.create_admin(email, PASSWORD, staff_role="support")
    new = staff_sign_in(email, PASSWORD, ip=ip)
    assert new.identity.roles == ("support",)
    started = sessions.exchange_ticket(new.ticket)
    assert sessions.resolve_session(started.token).roles == ("support",)
    assert totp_secret(support_id)
    assert sessions.staff_roles("owner") == EVERY_ROLE and sessions.staff_roles("finance") == ("finance",)


def test_an_unknown_address_and_a_wrong_password_are_audited(email: str, ip: str, admin_id: int) -> None:
    with pytest.raises(errors.InvalidCredentials):
        staff.begin_sign_in(email, "not the passphrase", ip=ip, user_agent=None)
    with pytest.raises(errors.InvalidCredentials):
        staff.begin_sign_in("nobody-" + email, PASSWORD, ip=ip, user_agent=None)
    assert _actions(admin_id) == ["login_failed"]
    with db.session() as s:
        unknown = s.exec(select(AuditLog).where(AuditLog.action == "login_failed", AuditLog.actor_id.is_(None))
                         .where(AuditLog.ip == ip)).one()
    assert unknown.details == {"factor": "password", "email": "nobody-" + email, "reason": "credentials"}
