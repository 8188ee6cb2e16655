"""Staff sign-in: password, then TOTP (enrolled at the first sign-in) or a recovery code; audited.

1. `begin_sign_in` checks the password (as `passwords` does, under the same limits). It starts no
   session: it returns a sealed challenge, plus for an account without TOTP a new secret to enrol.
2. `confirm_enrolment` takes the first code from the authenticator app, stores the enrolment,
   hands out ten recovery codes (shown once, kept hashed) and a sign-in ticket.
   `verify_second_factor` takes a current TOTP code or an unused recovery code (spent) and hands
   out a sign-in ticket.
The ticket becomes the session cookie as for every sign-in (`sessions.exchange_ticket`). A wrong
second factor counts as a failed password attempt, so the password limits bound guessing; an
accepted TOTP step is stored and never accepted again. Every step, right or wrong, is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.accounts import attempts, passwords, sessions, totp
from services.accounts.errors import AccountDisabled, InvalidCredentials, InvalidSecondFactor, SignInExpired
from services.accounts.validation import clip
from services.core import db
from services.core.models import Admin, AdminRecoveryCode, AuditLog, Role
from services.core.settings import get_settings

LIMITS = (attempts.PASSWORD_FAILURES_PER_EMAIL, attempts.PASSWORD_FAILURES_PER_IP)


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret as text and as a QR code of its `otpauth://` URI."""

    secret: str
    uri: str
    qr_data_uri: str


@dataclass(frozen=True)
class StaffChallenge:
    """A right password: the second factor is still to come. `challenge` is for the tab's server side only."""

    challenge: str
    enrolment: Enrolment | None  # set when the account has no TOTP yet


@dataclass(frozen=True)
class EnrolledSession:
    session: sessions.NewSession
    recovery_codes: tuple[str, ...]  # shown once; only their hashes are kept


def audit(s: Session, admin_id: int | None, action: str, *, ip: str | None, details: dict[str, Any]) -> None:
    """An audit row about a staff account (who: the account, or nobody for an unknown address)."""
    s.add(AuditLog(actor_type=Role.ADMIN.value, actor_id=admin_id, action=action, entity_type="admin",
                   entity_id=str(admin_id) if admin_id is not None else "unknown", details=details, ip=clip(ip, 64)))


def begin_sign_in(email: str, password: str, *, ip: str | None, user_agent: str | None) -> StaffChallenge:
    """Step one, synchronously (the UI's async face runs the bcrypt check on the password pool)."""
    found = passwords.find_account("admin", email, ip=ip)
    return conclude_password(found, passwords.check_password(password, found.password_hash), ip=ip)


def conclude_password(found: passwords.Candidate, right: bool, *, ip: str | None) -> StaffChallenge:
    """Count the password attempt; for a right password on an active account, the challenge.

    Raises `InvalidCredentials` (unknown address or wrong password) or `AccountDisabled`.
    """
    admin: Admin | None = found.account
    active = right and admin is not None and admin.is_active
    with db.session() as s, s.begin():
        attempts.record_attempt(s, "password", email=found.address, ip=ip, succeeded=active, now=found.now)
        admin_id = admin.id if admin is not None else None
        if not active:
            audit(s, admin_id, "login_failed", ip=ip, details={
                "factor": "password", "email": found.address, "reason": "inactive" if right else "credentials"})
        elif admin.totp_confirmed_at is not None:  # type: ignore[union-attr]
            audit(s, admin_id, "login_password_accepted", ip=ip, details={"next": "totp"})
            return StaffChallenge(totp.seal_challenge(totp.Challenge(admin_id, "verify")), None)  # type: ignore[arg-type]
        else:
            secret = totp.new_secret()
            s.exec(sa.update(Admin).where(col(Admin.id) == admin_id).values(totp_secret=secret))
            audit(s, admin_id, "totp_enrolment_started", ip=ip, details={})
            uri = totp.provisioning_uri(secret, found.address, get_settings().brand_name or totp.ISSUER)
            return StaffChallenge(totp.seal_challenge(totp.Challenge(admin_id, "enrol")),  # type: ignore[arg-type]
                                  Enrolment(secret, uri, totp.qr_data_uri(uri)))
    if right:
        raise AccountDisabled(f"admin account {admin_id} is not active")
    raise InvalidCredentials("unknown email or wrong password")


def _challenged_admin(s: Session, challenge: str, purpose: totp.Purpose, *, ip: str | None,
                      now: dt.datetime) -> Admin:
    """The admin a fresh challenge names, locked for this transaction, under the password limits."""
    opened = totp.open_challenge(challenge)
    if opened is None or opened.purpose != purpose:
        raise SignInExpired("the sign-in challenge is stale or unknown")
    admin = s.exec(select(Admin).where(col(Admin.id) == opened.admin_id).with_for_update()).first()
    enrolled = admin is not None and admin.totp_confirmed_at is not None
    if admin is None or not admin.is_active or not admin.totp_secret or enrolled != (purpose == "verify"):
        raise SignInExpired(f"admin {opened.admin_id} cannot take this step now")
    attempts.enforce(s, LIMITS, email=admin.email, ip=ip, now=now)
    return admin


def _failed(admin_id: int, email: str, factor: str, *, ip: str | None, now: dt.datetime) -> InvalidSecondFactor:
    """Count and audit a wrong second factor (committed), and the error to raise."""
    with db.session() as s, s.begin():
        attempts.record_attempt(s, "password", email=email, ip=ip, succeeded=False, now=now)
        audit(s, admin_id, "login_failed", ip=ip, details={"factor": factor, "email": email})
    return InvalidSecondFactor(f"wrong or reused {factor} for admin {admin_id}")


def _start(s: Session, admin: Admin, *, ip: str | None, user_agent: str | None, now: dt.datetime,
           ticket_ttl: dt.timedelta = sessions.TICKET_TTL) -> sessions.NewSession:
    admin.last_login_at = now
    return sessions.create_session(
        s, role=Role.ADMIN, principal_id=admin.id, email=admin.email,  # type: ignore[arg-type]
        display_name=admin.name or admin.email, ip=ip, user_agent=user_agent, now=now,
        roles=sessions.staff_roles(admin.staff_role), ticket_ttl=ticket_ttl)


def confirm_enrolment(challenge: str, code: str, *, ip: str | None, user_agent: str | None) -> EnrolledSession:
    """Store the enrolment once the app shows a right code; ten recovery codes and a sign-in ticket.

    Raises `SignInExpired` (challenge stale, or enrolled meanwhile), `InvalidSecondFactor`, `RateLimited`.
    """
    now = sessions.utcnow()
    with db.session() as s, s.begin():
        admin = _challenged_admin(s, challenge, "enrol", ip=ip, now=now)
        admin_id, email = admin.id, admin.email
        step = totp.accepted_step(admin.totp_secret or "", code, now=now, after=admin.totp_last_step)
        if step is not None:
            admin.totp_confirmed_at, admin.totp_last_step = now, step
            codes = totp.new_recovery_codes()
            s.exec(sa.delete(AdminRecoveryCode).where(col(AdminRecoveryCode.admin_id) == admin_id))
            s.add_all(AdminRecoveryCode(admin_id=admin_id, code_hash=totp.hash_recovery_code(c))  # type: ignore[arg-type]
                      for c in codes)
            attempts.record_attempt(s, "password", email=email, ip=ip, succeeded=True, now=now)
            new = _start(s, admin, ip=ip, user_agent=user_agent, now=now, ticket_ttl=totp.ENROLMENT_TICKET_TTL)
            audit(s, admin_id, "totp_enrolled", ip=ip, details={"recovery_codes": len(codes)})
            sessions.audit(s, new.identity, "login", ip=ip, details={"method": "password+totp", "enrolled": True})
            return EnrolledSession(new, tuple(codes))
    raise _failed(admin_id, email, "totp", ip=ip, now=now)  # type: ignore[arg-type]


def verify_second_factor(challenge: str, code: str, *, ip: str | None,
                         user_agent: str | None) -> sessions.NewSession:
    """A current TOTP code (each time step once) or an unused recovery code (spent): a sign-in ticket.

    Raises `SignInExpired`, `InvalidSecondFactor`, `RateLimited`.
    """
    now, code = sessions.utcnow(), code.strip()[:40]
    factor = "totp" if totp.looks_like_totp(code) else "recovery_code"
    with db.session() as s, s.begin():
        admin = _challenged_admin(s, challenge, "verify", ip=ip, now=now)
        admin_id, email = admin.id, admin.email
        if factor == "totp":
            step = totp.accepted_step(admin.totp_secret or "", code, now=now, after=admin.totp_last_step)
            accepted = step is not None
            if accepted:
                admin.totp_last_step = step
        else:
            accepted = s.exec(
                sa.update(AdminRecoveryCode)
                .where(col(AdminRecoveryCode.admin_id) == admin_id, col(AdminRecoveryCode.used_at).is_(None))
                .where(col(AdminRecoveryCode.code_hash) == totp.hash_recovery_code(code))
                .values(used_at=now)
            ).rowcount == 1
        if accepted:
            attempts.record_attempt(s, "password", email=email, ip=ip, succeeded=True, now=now)
            new = _start(s, admin, ip=ip, user_agent=user_agent, now=now)
            sessions.audit(s, new.identity, "login", ip=ip, details={"method": f"password+{factor}"})
            return new
    raise _failed(admin_id, email, factor, ip=ip, now=now)  # type: ignore[arg-type]


def recovery_codes_left(admin_id: int) -> int:
    with db.session() as s:
        return s.exec(sa.select(sa.func.count()).select_from(AdminRecoveryCode)
                      .where(col(AdminRecoveryCode.admin_id) == admin_id,
                             col(AdminRecoveryCode.used_at).is_(None))).one()[0]
