"""Sign-in for the three portals, database sessions and sign-in rate limits.

Customers get an emailed six-digit code (only a salted HMAC of it is stored); administrators
and enterprise accounts use passwords (bcrypt). A session is an opaque random token held by the
browser; only its SHA-256 is stored. Rate limits count `LoginAttempt` rows, so they hold across
processes. Nothing here logs a code, token or password.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import math
import secrets
from dataclasses import dataclass
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

import bcrypt
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.core import db
from services.core.errors import ServiceError
from services.core.models import (
    Admin,
    AuditLog,
    AuthSession,
    EnterpriseAccount,
    LoginAttempt,
    LoginCode,
    Role,
    User,
)
from services.notifications import enqueue_email

log = logging.getLogger(__name__)

BCRYPT_COST = 12
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5: refuses) anything longer

CODE_DIGITS = 6
CODE_TTL = dt.timedelta(minutes=5)
CODE_MAX_CHECKS = 5  # the sixth check of one code is refused, even with the right code
SESSION_TTL = dt.timedelta(days=30)  # sliding: each use (at most once a minute) extends it
SESSION_TOUCH_INTERVAL = dt.timedelta(minutes=1)
ATTEMPT_RETENTION = dt.timedelta(days=1)  # longer than any rate-limit window


class InvalidEmail(ServiceError):
    code = "invalid_email"


class WeakPassword(ServiceError):
    code = "weak_password"


class AlreadyExists(ServiceError):
    code = "already_exists"


class _FixedMessage(ServiceError):
    default_message: ClassVar[str]

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class InvalidCode(_FixedMessage):
    code = "invalid_code"
    default_message = "That code is wrong or has expired. Request a new one."


class TooManyAttempts(_FixedMessage):
    code = "too_many_attempts"
    default_message = "Too many wrong tries for this code. Request a new one."


class InvalidCredentials(_FixedMessage):
    code = "invalid_credentials"
    default_message = "Wrong email or password."


class AccountDisabled(_FixedMessage):
    """Raised only after the code or password was right, so it reveals nothing to a stranger."""

    code = "account_disabled"
    default_message = "This account is disabled. Contact support."


class RateLimited(ServiceError):
    code = "rate_limited"

    def __init__(self, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        minutes = max(1, math.ceil(retry_after_seconds / 60))
        super().__init__(f"Too many sign-in attempts. Try again in {minutes} minute{'s' * (minutes > 1)}.")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `limit` `LoginAttempt` rows of `kind` per email or per IP within `window`."""

    kind: Literal["code_request", "code_check", "password"]
    per: Literal["email", "ip"]
    limit: int
    failures_only: bool = False
    window: dt.timedelta = dt.timedelta(minutes=15)


CODE_REQUESTS_PER_EMAIL = RateLimit("code_request", "email", 5)
CODE_REQUESTS_PER_IP = RateLimit("code_request", "ip", 20)
CODE_FAILURES_PER_IP = RateLimit("code_check", "ip", 30, failures_only=True)
PASSWORD_FAILURES_PER_EMAIL = RateLimit("password", "email", 10, failures_only=True)
PASSWORD_FAILURES_PER_IP = RateLimit("password", "ip", 30, failures_only=True)

_PRINCIPAL_FIELD = {
    Role.CUSTOMER: "user_id",
    Role.ADMIN: "admin_id",
    Role.ENTERPRISE: "enterprise_account_id",
}
_PASSWORD_ACCOUNTS: dict[str, tuple[type[Admin] | type[EnterpriseAccount], Any]] = {
    Role.ADMIN: (Admin, col(Admin.email)),
    Role.ENTERPRISE: (EnterpriseAccount, col(EnterpriseAccount.contact_email)),
}


@dataclass(frozen=True)
class Identity:
    """Who is calling, resolved from the session cookie on every request."""

    role: str
    principal_id: int
    email: str
    display_name: str
    session_id: int

    @property
    def org_id(self) -> int | None:
        return self.principal_id if self.role == Role.ENTERPRISE else None


@dataclass(frozen=True)
class NewSession:
    token: str  # for the cookie; never stored or logged
    identity: Identity
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SessionView:
    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime | None
    expires_at: dt.datetime
    ip: str | None
    user_agent: str | None
    current: bool


# --- emails and passwords ---------------------------------------------------------------


def normalise_email(email: str) -> str:
    """Validated, normalised address (lower-case domain and local part); raises `InvalidEmail`."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise WeakPassword(f"Use at most {MAX_PASSWORD_BYTES} bytes.")


def hash_password(password: str) -> str:
    check_password_strength(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=BCRYPT_COST)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    encoded = password.encode()
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False
    return bcrypt.checkpw(encoded, password_hash.encode())


@functools.cache
def _dummy_password_hash() -> str:
    """Checked when no account matches, so a wrong email costs as long as a wrong password."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds=BCRYPT_COST)).decode()


def create_admin(email: str, password: str, *, name: str = "") -> int:
    """Create an administrator; returns its id. Raises `AlreadyExists` for a taken email."""
    admin = Admin(email=normalise_email(email), name=name, password_hash=hash_password(password))
    with db.session() as s:
        s.add(admin)
        try:
            s.commit()
        except IntegrityError:
            raise AlreadyExists(f"an admin with the email {admin.email} exists") from None
        return admin.id  # type: ignore[return-value]


# --- pure helpers -----------------------------------------------------------------------


def is_safe_next(path: str) -> bool:
    """True for a same-site relative path ("/account"), never "//host", a scheme or a backslash."""
    if not path or len(path) > 2048 or not path.startswith("/") or path.startswith("//"):
        return False
    if "\\" in path or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return False  # browsers drop tabs and newlines and read "\" as "/"
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def new_login_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_login_code(code: str) -> str:
    """"<salt hex>$<HMAC-SHA256(salt, code) hex>" with a fresh random salt per code."""
    salt = secrets.token_bytes(16)
    return f"{salt.hex()}${_code_mac(salt, code)}"


def login_code_matches(code: str, code_hash: str) -> bool:
    """Constant-time check of `code` against a `hash_login_code` value."""
    salt_hex, _, mac = code_hash.partition("$")
    try:
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    return hmac.compare_digest(_code_mac(salt, code), mac)


def _code_mac(salt: bytes, code: str) -> str:
    return hmac.new(salt, code.encode(), hashlib.sha256).hexdigest()


def hash_token(token: str) -> str:
    """The stored form of a session token: hex SHA-256 (the token has 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _clip(value: str | None, length: int) -> str | None:
    return value[:length] if value else None


# --- customers: one-time codes ----------------------------------------------------------


def request_login_code(email: str, *, ip: str | None) -> None:
    """Email a sign-in code, valid 5 minutes; earlier codes for the address stop working.

    Behaves the same whether or not a customer has this address. Raises `InvalidEmail` or
    `RateLimited` (5 codes per address and 20 per IP in 15 minutes).
    """
    address = normalise_email(email)
    code, now = new_login_code(), _now()
    with db.session() as s, s.begin():
        # one request per address at a time, so the per-address limit is exact
        s.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"login_code:{address}"))))
        _enforce(s, (CODE_REQUESTS_PER_EMAIL, CODE_REQUESTS_PER_IP), email=address, ip=ip, now=now)
        s.execute(
            sa.update(LoginCode)
            .where(col(LoginCode.email) == address, col(LoginCode.consumed_at).is_(None))
            .where(col(LoginCode.expires_at) > now)
            .values(expires_at=now)
        )
        s.add(LoginCode(email=address, code_hash=hash_login_code(code), expires_at=now + CODE_TTL,
                        ip=_clip(ip, 64)))
        _record_attempt(s, "code_request", email=address, ip=ip, succeeded=True, now=now)
        enqueue_email(s, to=address, template="login_code",
                      context={"code": code, "valid_minutes": CODE_TTL // dt.timedelta(minutes=1)})


def verify_login_code(email: str, code: str, *, ip: str | None, user_agent: str | None) -> NewSession:
    """Sign a customer in with the emailed code, creating the customer on first sign-in.

    Raises `InvalidCode` (wrong, expired, replaced or used), `TooManyAttempts` (a sixth check of
    one code), `RateLimited` (30 failed checks per IP in 15 minutes), `AccountDisabled`.
    """
    address = normalise_email(email)
    code, now = "".join(code.split()), _now()
    with db.session() as s:
        with s.begin():  # a refusal below (AccountDisabled) rolls back the consumed code too
            _enforce(s, (CODE_FAILURES_PER_IP,), email=address, ip=ip, now=now)
            refusal = _check_code(s, address, code, now=now)
            _record_attempt(s, "code_check", email=address, ip=ip, succeeded=refusal is None, now=now)
            if refusal is None:
                return _sign_in_customer(s, address, ip=ip, user_agent=user_agent, now=now)
        raise refusal


def _check_code(s: Session, address: str, code: str, *, now: dt.datetime) -> ServiceError | None:
    """Count one check of the address's live code and consume it when right; None on success."""
    live = (
        sa.select(LoginCode.id)
        .where(col(LoginCode.email) == address, col(LoginCode.consumed_at).is_(None))
        .where(col(LoginCode.expires_at) > now)
        .order_by(col(LoginCode.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    checked = s.exec(
        sa.update(LoginCode)
        .where(col(LoginCode.id) == live)
        .values(attempts=col(LoginCode.attempts) + 1)
        .returning(LoginCode.id, LoginCode.code_hash, LoginCode.attempts)
    ).first()
    if checked is None:
        return InvalidCode()
    if checked.attempts > CODE_MAX_CHECKS:
        return TooManyAttempts()
    if not login_code_matches(code, checked.code_hash):
        return InvalidCode()
    consumed = s.exec(  # guarded: of two concurrent right answers only one consumes the code
        sa.update(LoginCode)
        .where(col(LoginCode.id) == checked.id, col(LoginCode.consumed_at).is_(None))
        .values(consumed_at=now)
        .returning(LoginCode.id)
    ).first()
    return None if consumed else InvalidCode()


def _sign_in_customer(
    s: Session, address: str, *, ip: str | None, user_agent: str | None, now: dt.datetime
) -> NewSession:
    user = s.exec(  # race-safe first sign-in: one row per address whatever runs concurrently
        pg.insert(User)
        .values(email=address, is_verified=True)
        .on_conflict_do_update(index_elements=["email"], set_={"is_verified": True})
        .returning(User.id, User.is_active, User.first_name, User.last_name)
    ).one()
    if not user.is_active:
        raise AccountDisabled()
    name = " ".join(filter(None, (user.first_name, user.last_name))) or address
    return _create_session(s, role=Role.CUSTOMER, principal_id=user.id, email=address,
                           display_name=name, ip=ip, user_agent=user_agent, now=now)


# --- administrators and enterprise accounts: passwords ------------------------------------


def login_with_password(
    role: Literal["admin", "enterprise"],
    email: str,
    password: str,
    *,
    ip: str | None,
    user_agent: str | None,
) -> NewSession:
    """Sign an administrator or enterprise account in; audited.

    Raises `InvalidCredentials` (one message for an unknown email or a wrong password, with the
    same bcrypt cost), `AccountDisabled` (right password, account inactive or suspended),
    `RateLimited` (10 failures per address, 30 per IP in 15 minutes).
    """
    if role not in _PASSWORD_ACCOUNTS:
        raise ValueError(f"no password sign-in for role {role!r}")
    model, email_column = _PASSWORD_ACCOUNTS[role]
    try:
        address = normalise_email(email)
    except InvalidEmail:
        address = email.strip().lower()[:254]
    now = _now()
    with db.session() as s, s.begin():
        _enforce(s, (PASSWORD_FAILURES_PER_EMAIL, PASSWORD_FAILURES_PER_IP), email=address, ip=ip, now=now)
        account: Any = s.exec(select(model).where(email_column == address)).first()
    # bcrypt outside the transaction; an unknown address pays for a check too
    right = verify_password(password, account.password_hash if account else _dummy_password_hash())
    right = right and account is not None
    active = right and (account.is_active if role == Role.ADMIN else account.status == "active")
    with db.session() as s, s.begin():
        _record_attempt(s, "password", email=address, ip=ip, succeeded=active, now=now)
        if active:
            if role == Role.ADMIN:
                s.exec(sa.update(Admin).where(col(Admin.id) == account.id).values(last_login_at=now))
            name = account.name if role == Role.ADMIN else account.company_name
            new = _create_session(s, role=role, principal_id=account.id, email=address,
                                  display_name=name or address, ip=ip, user_agent=user_agent, now=now)
            _audit(s, new.identity, "login", ip=ip, details={"method": "password"})
            return new
    raise AccountDisabled() if right else InvalidCredentials()


# --- rate limits and audit ------------------------------------------------------------------


def _enforce(
    s: Session, limits: tuple[RateLimit, ...], *, email: str, ip: str | None, now: dt.datetime
) -> None:
    """Raise `RateLimited` when any limit is reached; retry after the oldest counted row ages out."""
    for limit in limits:
        key = email if limit.per == "email" else _clip(ip, 64)
        if key is None:
            continue
        column = col(LoginAttempt.email) if limit.per == "email" else col(LoginAttempt.ip)
        query = (
            sa.select(sa.func.count(), sa.func.min(LoginAttempt.created_at))
            .where(col(LoginAttempt.kind) == limit.kind, column == key)
            .where(col(LoginAttempt.created_at) > now - limit.window)
        )
        if limit.failures_only:
            query = query.where(col(LoginAttempt.succeeded).is_(False))
        count, oldest = s.exec(query).one()
        if count >= limit.limit:
            log.warning("sign-in rate limit reached: %s per %s", limit.kind, limit.per)
            raise RateLimited(max(1, math.ceil((oldest + limit.window - now).total_seconds())))


def _record_attempt(
    s: Session, kind: str, *, email: str, ip: str | None, succeeded: bool, now: dt.datetime
) -> None:
    s.add(LoginAttempt(kind=kind, email=email, ip=_clip(ip, 64), succeeded=succeeded, created_at=now))


def _audit(s: Session, identity: Identity, action: str, *, ip: str | None, details: dict[str, Any]) -> None:
    s.add(AuditLog(actor_type=identity.role, actor_id=identity.principal_id, action=action,
                   entity_type="auth_session", entity_id=str(identity.session_id),
                   details=details, ip=_clip(ip, 64)))


# --- sessions -----------------------------------------------------------------------------


def _create_session(
    s: Session,
    *,
    role: str,
    principal_id: int,
    email: str,
    display_name: str,
    ip: str | None,
    user_agent: str | None,
    now: dt.datetime,
) -> NewSession:
    """Add a session for the principal in `s`'s transaction; the token leaves only in the result."""
    token, role = secrets.token_urlsafe(32), Role(role).value
    row = AuthSession(token_hash=hash_token(token), role=role, expires_at=now + SESSION_TTL,
                      last_seen_at=now, ip=_clip(ip, 64), user_agent=_clip(user_agent, 400),
                      **{_PRINCIPAL_FIELD[role]: principal_id})
    s.add(row)
    s.flush()
    identity = Identity(role=role, principal_id=principal_id, email=email, display_name=display_name,
                        session_id=row.id)  # type: ignore[arg-type]
    return NewSession(token=token, identity=identity, expires_at=row.expires_at)


def resolve_session(token: str) -> Identity | None:
    """The identity behind a session token; None when unknown, expired, revoked or deactivated.

    Each use extends the session to 30 days from now, writing at most once a minute.
    """
    if not token or len(token) > 200:
        return None
    now = _now()
    with db.session() as s:
        found = s.exec(
            select(AuthSession, User, Admin, EnterpriseAccount)
            .outerjoin(User, col(User.id) == AuthSession.user_id)
            .outerjoin(Admin, col(Admin.id) == AuthSession.admin_id)
            .outerjoin(EnterpriseAccount, col(EnterpriseAccount.id) == AuthSession.enterprise_account_id)
            .where(col(AuthSession.token_hash) == hash_token(token), col(AuthSession.revoked_at).is_(None))
            .where(col(AuthSession.expires_at) > now)
        ).first()
        if found is None:
            return None
        session, user, admin, org = found
        if user is not None and user.is_active:
            name = " ".join(filter(None, (user.first_name, user.last_name))) or user.email
            principal = (Role.CUSTOMER.value, user.id, user.email, name)
        elif admin is not None and admin.is_active:
            principal = (Role.ADMIN.value, admin.id, admin.email, admin.name or admin.email)
        elif org is not None and org.status == "active":
            principal = (Role.ENTERPRISE.value, org.id, org.contact_email, org.company_name)
        else:
            return None
        identity = Identity(*principal, session_id=session.id)
        if session.last_seen_at is None or now - session.last_seen_at >= SESSION_TOUCH_INTERVAL:
            s.exec(  # guarded, so concurrent requests write once
                sa.update(AuthSession)
                .where(col(AuthSession.id) == session.id, col(AuthSession.revoked_at).is_(None))
                .where(sa.or_(col(AuthSession.last_seen_at).is_(None),
                              col(AuthSession.last_seen_at) <= now - SESSION_TOUCH_INTERVAL))
                .values(last_seen_at=now, expires_at=now + SESSION_TTL)
            )
            s.commit()
        return identity


def revoke_session(token: str) -> None:
    """Log one session out (the caller also clears the cookie). Unknown tokens are ignored."""
    with db.session() as s, s.begin():
        s.exec(
            sa.update(AuthSession)
            .where(col(AuthSession.token_hash) == hash_token(token), col(AuthSession.revoked_at).is_(None))
            .values(revoked_at=_now())
        )


def revoke_all_sessions(identity: Identity) -> int:
    """Log out everywhere, this session included; audited. Returns how many sessions ended."""
    now = _now()
    with db.session() as s, s.begin():
        ended = s.exec(
            sa.update(AuthSession)
            .where(_principal_column(identity) == identity.principal_id)
            .where(col(AuthSession.revoked_at).is_(None), col(AuthSession.expires_at) > now)
            .values(revoked_at=now)
        ).rowcount
        _audit(s, identity, "logout_everywhere", ip=None, details={"sessions_ended": ended})
    return ended


def list_sessions(identity: Identity) -> list[SessionView]:
    """The principal's live sessions, most recently used first, for the profile page."""
    with db.session() as s:
        rows = s.exec(
            select(AuthSession)
            .where(_principal_column(identity) == identity.principal_id)
            .where(col(AuthSession.revoked_at).is_(None), col(AuthSession.expires_at) > _now())
            .order_by(col(AuthSession.last_seen_at).desc().nulls_last(), col(AuthSession.id).desc())
        ).all()
    return [
        SessionView(id=r.id, created_at=r.created_at, last_seen_at=r.last_seen_at,  # type: ignore[arg-type]
                    expires_at=r.expires_at, ip=r.ip, user_agent=r.user_agent,
                    current=r.id == identity.session_id)
        for r in rows
    ]


def _principal_column(identity: Identity) -> Any:
    return col(getattr(AuthSession, _PRINCIPAL_FIELD[identity.role]))


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete dead codes, attempts older than a day, and expired or revoked sessions; returns the count."""
    now = now or _now()
    statements = (
        sa.delete(LoginCode).where(
            sa.or_(col(LoginCode.expires_at) <= now, col(LoginCode.consumed_at).is_not(None))),
        sa.delete(LoginAttempt).where(col(LoginAttempt.created_at) < now - ATTEMPT_RETENTION),
        sa.delete(AuthSession).where(
            sa.or_(col(AuthSession.expires_at) <= now, col(AuthSession.revoked_at).is_not(None))),
    )
    with db.session() as s, s.begin():
        return sum(s.exec(statement).rowcount for statement in statements)
