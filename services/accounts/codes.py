"""Customer sign-in by an emailed six-digit code; only a salted HMAC of the code is stored.

A code is valid 5 minutes, dies after its fifth check or when a newer one is sent, and a right
answer creates the customer on first sign-in. Nothing here logs a code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Session, col

from services.accounts import attempts, sessions
from services.accounts.errors import AccountDisabled, InvalidCode, TooManyAttempts
from services.accounts.validation import clip, normalise_email
from services.core import db
from services.core.errors import ServiceError
from services.core.i18n import is_language
from services.core.models import LoginCode, Role, User
from services.notifications import outbox

CODE_DIGITS = 6
CODE_TTL = dt.timedelta(minutes=5)
CODE_MAX_CHECKS = 5  # the sixth check of one code is refused, even with the right code


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


def request_login_code(email: str, *, ip: str | None, language: str = "en") -> str:
    """Email a sign-in code, valid 5 minutes; earlier codes for the address stop working.

    The email is in `language` (the page's). Returns the normalised address. Behaves the same whether or not a customer has this address.
    Raises `InvalidEmail` or `RateLimited` (5 codes an hour per address and requesting IP, 15 an
    hour per address whoever asks, 20 per IP in 15 minutes).
    """
    address = normalise_email(email)
    code, now = new_login_code(), sessions.utcnow()
    with db.session() as s, s.begin():
        # one request per address at a time, so the per-address limit is exact
        s.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"login_code:{address}"))))
        attempts.enforce(s, (attempts.CODE_REQUESTS_PER_REQUESTER, attempts.CODE_REQUESTS_PER_EMAIL,
                             attempts.CODE_REQUESTS_PER_IP), email=address, ip=ip, now=now)
        s.execute(
            sa.update(LoginCode)
            .where(col(LoginCode.email) == address, col(LoginCode.consumed_at).is_(None))
            .where(col(LoginCode.expires_at) > now)
            .values(expires_at=now)
        )
        s.add(LoginCode(email=address, code_hash=hash_login_code(code), expires_at=now + CODE_TTL,
                        ip=clip(ip, 64)))
        attempts.record_attempt(s, "code_request", email=address, ip=ip, succeeded=True, now=now)
        outbox.enqueue_email(s, to=address, template="login_code", language=language,
                             context={"code": code, "valid_minutes": CODE_TTL // dt.timedelta(minutes=1)})
    return address


def verify_login_code(email: str, code: str, *, ip: str | None, user_agent: str | None,
                      language: str = "en") -> sessions.NewSession:
    """Sign a customer in with the emailed code, creating the customer (speaking `language`) on first sign-in.

    Raises `InvalidCode` (wrong, expired, replaced or used), `TooManyAttempts` (a sixth check of
    one code), `RateLimited` (30 failed checks per IP in 15 minutes, or a check too soon after the
    address's recent failures: `attempts.enforce_code_backoff`), `AccountDisabled`. Returns a
    pending session whose ticket the browser trades for the cookie.
    """
    address = normalise_email(email)
    code, now = "".join(code.split()), sessions.utcnow()
    with db.session() as s:
        with s.begin():  # a refusal below (AccountDisabled) rolls back the consumed code too
            # one check per address at a time, so the backoff counts every failure before it
            s.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"code_check:{address}"))))
            attempts.enforce(s, (attempts.CODE_FAILURES_PER_IP,), email=address, ip=ip, now=now)
            attempts.enforce_code_backoff(s, email=address, now=now)
            refusal = _check_code(s, address, code, now=now)
            attempts.record_attempt(s, "code_check", email=address, ip=ip, succeeded=refusal is None, now=now)
            if refusal is None:
                return _sign_in_customer(s, address, ip=ip, user_agent=user_agent, now=now, language=language)
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
        return InvalidCode("no live code for the address")
    if checked.attempts > CODE_MAX_CHECKS:
        return TooManyAttempts(f"check {checked.attempts} of one code")
    if not login_code_matches(code, checked.code_hash):
        return InvalidCode("wrong code")
    consumed = s.exec(  # guarded: of two concurrent right answers only one consumes the code
        sa.update(LoginCode)
        .where(col(LoginCode.id) == checked.id, col(LoginCode.consumed_at).is_(None))
        .values(consumed_at=now)
        .returning(LoginCode.id)
    ).first()
    return None if consumed else InvalidCode("code consumed concurrently")


def _sign_in_customer(
    s: Session, address: str, *, ip: str | None, user_agent: str | None, now: dt.datetime, language: str
) -> sessions.NewSession:
    user = s.exec(  # race-safe first sign-in: one row per address whatever runs concurrently
        pg.insert(User)
        .values(email=address, is_verified=True, language=language if is_language(language) else "en")
        .on_conflict_do_update(index_elements=["email"], set_={"is_verified": True})
        .returning(User.id, User.is_active, User.first_name, User.last_name, User.language)
    ).one()
    if not user.is_active:
        raise AccountDisabled(f"customer {user.id} is inactive")
    name = " ".join(filter(None, (user.first_name, user.last_name))) or address
    return sessions.create_session(s, role=Role.CUSTOMER, principal_id=user.id, email=address,
                                   display_name=name, ip=ip, user_agent=user_agent, now=now, language=user.language)
