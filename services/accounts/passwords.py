"""Password sign-in for enterprise accounts and the password step of staff sign-in (bcrypt, cost 12),
and new staff accounts. Staff then need a second factor (`services.accounts.staff`).

Checks run on a small pool of their own (`PASSWORD_CHECK_WORKERS` threads), never on the event
loop nor on the threads the other requests share; a few sign-ins per thread may be in flight,
further ones are refused at once.

An unknown address costs one bcrypt check like a wrong password, and gets the same refusal.
Nothing here logs a password.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import bcrypt
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from services.accounts import attempts, sessions
from services.accounts.errors import (
    AccountDisabled,
    AlreadyExists,
    CompanySuspended,
    InvalidCredentials,
    InvalidEmail,
    PasswordTooLong,
    PasswordTooShort,
    RateLimited,
    SignInSlowedDown,
)
from services.accounts.validation import normalise_email
from services.core import db, get_settings
from services.core.models import Admin, EnterpriseAccount, EnterpriseUser, Role, StaffRole

log = logging.getLogger(__name__)

BCRYPT_COST = 12
QUEUED_CHECKS_PER_WORKER = 4  # checks waiting for a password thread before more are refused
PASSWORD_BUSY_RETRY_SECONDS = 5
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5: refuses) anything longer

_PASSWORD_ACCOUNTS: dict[str, tuple[type[Admin | EnterpriseUser], Any]] = {
    Role.ADMIN: (Admin, col(Admin.email)),
    Role.ENTERPRISE: (EnterpriseUser, col(EnterpriseUser.email)),
}


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(f"use at least {MIN_PASSWORD_LENGTH} characters", min_length=MIN_PASSWORD_LENGTH)
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise PasswordTooLong(f"use at most {MAX_PASSWORD_BYTES} bytes", max_bytes=MAX_PASSWORD_BYTES)


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


def create_admin(email: str, password: str, *, name: str = "", staff_role: str = StaffRole.OWNER) -> int:
    """Create a staff account (an owner unless told otherwise); returns its id. It enrols TOTP at its
    first sign-in. Raises `AlreadyExists` for a taken email."""
    admin = Admin(email=normalise_email(email), name=name, password_hash=hash_password(password),
                  staff_role=StaffRole(staff_role).value)
    with db.session() as s:
        s.add(admin)
        try:
            s.commit()
        except IntegrityError:
            raise AlreadyExists(f"an admin with the email {admin.email} exists") from None
        return admin.id  # type: ignore[return-value]


def login_with_password(
    role: Literal["enterprise"], email: str, password: str, *, ip: str | None, user_agent: str | None,
) -> sessions.NewSession:
    """Sign an enterprise account in; audited. Returns a pending session (ticket).

    Raises `InvalidCredentials` (one refusal for an unknown email or a wrong password, with the
    same bcrypt cost), `AccountDisabled` (right password, user disabled; `CompanySuspended` when
    the company is), `SignInSlowedDown` (after 5 failures for the address in an hour each further
    try waits 2, 4, 8 ... seconds, at most a minute: slow down, never lock out), `RateLimited` (30
    failures per IP in 15 minutes). The UI's async face runs the same three steps
    in a `sign_in_slot`, the bcrypt check on `check_password_on_pool`. Staff: `staff.begin_sign_in`.
    """
    if role != Role.ENTERPRISE:
        raise ValueError("staff sign in with a second factor: services.accounts.staff")
    found = find_account(role, email, ip=ip)
    return conclude_login(found, check_password(password, found.password_hash), ip=ip, user_agent=user_agent)


@dataclass(frozen=True)
class Candidate:
    """The account a password sign-in names (None for an unknown address), looked up under the limits."""

    role: str
    address: str
    account: Any
    now: dt.datetime

    @property
    def password_hash(self) -> str | None:
        return self.account.password_hash if self.account is not None else None


def find_account(role: Literal["admin", "enterprise"], email: str, *, ip: str | None) -> Candidate:
    """Step 1: refuse when rate limited, else look the account up."""
    if role not in _PASSWORD_ACCOUNTS:
        raise ValueError(f"no password sign-in for role {role!r}")
    model, email_column = _PASSWORD_ACCOUNTS[role]
    try:
        address = normalise_email(email)
    except InvalidEmail:
        address = email.strip().lower()[:254]
    now = sessions.utcnow()
    with db.session() as s, s.begin():
        if role == Role.ENTERPRISE:  # slow down, not lockout: a stranger cannot shut a company user out
            attempts.enforce(s, (attempts.PASSWORD_FAILURES_PER_IP,), email=address, ip=ip, now=now)
            attempts.enforce_backoff(s, "password", email=address, now=now, free=attempts.PASSWORD_FAILURES_FREE,
                                     cap=attempts.PASSWORD_BACKOFF_MAX, error=SignInSlowedDown)
        else:
            attempts.enforce(s, (attempts.PASSWORD_FAILURES_PER_EMAIL, attempts.PASSWORD_FAILURES_PER_IP),
                             email=address, ip=ip, now=now)
        account: Any = s.exec(select(model).where(email_column == address)).first()
    return Candidate(role, address, account, now)


def check_password(password: str, password_hash: str | None) -> bool:
    """Step 2 (bcrypt, outside any transaction); an unknown address pays for a check too."""
    right = verify_password(password, password_hash or _dummy_password_hash())
    return right and password_hash is not None


@functools.cache
def _password_pool() -> tuple[ThreadPoolExecutor, threading.BoundedSemaphore]:
    workers = get_settings().password_check_workers
    return (ThreadPoolExecutor(max_workers=workers, thread_name_prefix="password-check"),
            threading.BoundedSemaphore(workers * (1 + QUEUED_CHECKS_PER_WORKER)))


@contextlib.contextmanager
def sign_in_slot() -> Iterator[None]:
    """One of the few password sign-ins allowed in flight at once; beyond them, `RateLimited` at once,
    before any thread or database work, so a flood cannot take the threads other requests use."""
    _, slots = _password_pool()
    if not slots.acquire(blocking=False):
        log.warning("password sign-ins saturated: refusing one")
        raise RateLimited(PASSWORD_BUSY_RETRY_SECONDS)
    try:
        yield
    finally:
        slots.release()


async def check_password_on_pool(password: str, password_hash: str | None) -> bool:
    """`check_password` on the password threads, off the event loop and off the shared threads."""
    pool, _ = _password_pool()
    return await asyncio.get_running_loop().run_in_executor(pool, check_password, password, password_hash)


def conclude_login(found: Candidate, right: bool, *, ip: str | None, user_agent: str | None) -> sessions.NewSession:
    """Step 3 (enterprise accounts): count the attempt; start a session for a right password on an active account."""
    role, account, address, now = found.role, found.account, found.address, found.now
    if role != Role.ENTERPRISE:
        raise ValueError("staff sign in with a second factor: services.accounts.staff")
    with db.session() as s, s.begin():
        company = s.get(EnterpriseAccount, account.enterprise_account_id) if right else None
        active = right and account.is_active and company is not None and company.status == "active"
        attempts.record_attempt(s, "password", email=address, ip=ip, succeeded=active, now=now)
        if active:
            s.exec(sa.update(EnterpriseUser).where(col(EnterpriseUser.id) == account.id).values(last_login_at=now))
            new = sessions.create_session(
                s, role=role, principal_id=account.id, email=address, display_name=company.company_name or address,
                ip=ip, user_agent=user_agent, now=now, roles=(account.role,), company_id=company.id)
            sessions.audit(s, new.identity, "login", ip=ip, details={"method": "password"})
            return new
    if right and account.is_active and company is not None:
        raise CompanySuspended(f"company {company.id} is suspended")
    if right:
        raise AccountDisabled(f"{role} account {account.id} is not active")
    raise InvalidCredentials("unknown email or wrong password")
