"""Emailed password links: invitations (72 hours) and resets (1 hour) of company users, and the
same single-use link mechanism for staff invitations (`issue_token`/`usable_token`/`spend_tokens`
with `admin_id`, used by `services.admin.staff`).

The token leaves only in the email; the database keeps its SHA-256. A link works once: setting
the password marks every open link of that holder used, and a reset also ends the user's sessions.
Asking for a reset answers the same whether or not the address belongs to anyone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.accounts import attempts, passwords
from services.accounts.attempts import RateLimit
from services.accounts.errors import InvalidEmail
from services.accounts.validation import normalise_email
from services.core import db
from services.core.models import AuthSession, EnterpriseAccount, EnterpriseToken, EnterpriseUser, TokenPurpose
from services.core.settings import get_settings
from services.enterprise.audit import record
from services.enterprise.errors import InvalidLink
from services.notifications.outbox import enqueue_email

LIFETIME = {TokenPurpose.INVITE: dt.timedelta(hours=72), TokenPurpose.RESET: dt.timedelta(hours=1)}
PATH = {TokenPurpose.INVITE: "/business/invite/", TokenPurpose.RESET: "/business/reset/"}
RESETS_PER_EMAIL = RateLimit("code_request", "email", 5, window=dt.timedelta(hours=1))
RESETS_PER_IP = RateLimit("code_request", "ip", 20)
MAX_TOKEN = 200


@dataclass(frozen=True)
class LinkView:
    """What the set-password page shows before the password is chosen."""

    purpose: str
    email: str
    company_name: str


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(b"enterprise-link:" + token.encode()).hexdigest()


def link_url(purpose: str, token: str) -> str:
    return f"{get_settings().public_url.rstrip('/')}{PATH[TokenPurpose(purpose)]}{token}"


def issue_token(s: Session, purpose: TokenPurpose, *, now: dt.datetime, enterprise_user_id: int | None = None,
                admin_id: int | None = None) -> str:
    """Add a single-use link for a company user or (with `admin_id`) a staff account, in the caller's
    transaction; returns the token, which must leave only in an email."""
    token = secrets.token_urlsafe(32)
    s.add(EnterpriseToken(token_hash=hash_token(token), enterprise_user_id=enterprise_user_id, admin_id=admin_id,
                          purpose=purpose, expires_at=now + LIFETIME[purpose]))
    return token


def usable(token: str, now: dt.datetime) -> list:
    """The conditions of a link that still works: known, unused, unexpired (empty token: nothing matches)."""
    if not token or len(token) > MAX_TOKEN:
        return [sa.false()]
    return [col(EnterpriseToken.token_hash) == hash_token(token), col(EnterpriseToken.used_at).is_(None),
            col(EnterpriseToken.expires_at) > now]


def spend_tokens(s: Session, *, now: dt.datetime, enterprise_user_id: int | None = None,
                 admin_id: int | None = None) -> None:
    """Mark every open link of the holder used (after a password is set, or when an invitation is withdrawn)."""
    holder = (col(EnterpriseToken.admin_id) == admin_id if admin_id is not None
              else col(EnterpriseToken.enterprise_user_id) == enterprise_user_id)
    s.exec(sa.update(EnterpriseToken).where(holder, col(EnterpriseToken.used_at).is_(None)).values(used_at=now))


def send_link(s: Session, user: EnterpriseUser, company: EnterpriseAccount, purpose: TokenPurpose,
              *, now: dt.datetime) -> None:
    """Create a link for `user` and queue its email, in the caller's transaction."""
    token = issue_token(s, purpose, now=now, enterprise_user_id=user.id)
    hours = int(LIFETIME[purpose].total_seconds() // 3600)
    enqueue_email(s, to=user.email, template=f"enterprise_{purpose}",
                  context={"company_name": company.company_name, "link": link_url(purpose, token),
                           "valid_hours": hours})


def _open_link(s: Session, token: str, now: dt.datetime, *, lock: bool) -> tuple[EnterpriseToken, EnterpriseUser,
                                                                                 EnterpriseAccount]:
    query = (select(EnterpriseToken, EnterpriseUser, EnterpriseAccount)
             .join(EnterpriseUser, col(EnterpriseUser.id) == EnterpriseToken.enterprise_user_id)
             .join(EnterpriseAccount, col(EnterpriseAccount.id) == EnterpriseUser.enterprise_account_id)
             .where(*usable(token, now), col(EnterpriseUser.is_active).is_(True)))
    found = s.exec(query.with_for_update(of=EnterpriseToken) if lock else query).first()
    if found is None:
        raise InvalidLink("unknown, used or expired link")
    return found


def check_link(token: str) -> LinkView:
    """The link's purpose and address, without using it; `InvalidLink` when it no longer works."""
    with db.session() as s:
        link, user, company = _open_link(s, token, utcnow(), lock=False)
        return LinkView(purpose=link.purpose, email=user.email, company_name=company.company_name)


def set_password(token: str, password: str, *, ip: str | None) -> str:
    """Use the link once to set the user's password (bcrypt 12, the sign-in strength rule); returns
    the address to sign in with. A reset also signs the user out everywhere."""
    password_hash = passwords.hash_password(password)  # strength first, and bcrypt outside the transaction
    now = utcnow()
    with db.session() as s, s.begin():
        link, user, company = _open_link(s, token, now, lock=True)
        spend_tokens(s, now=now, enterprise_user_id=user.id)
        user.password_hash = password_hash
        if link.purpose == TokenPurpose.RESET:
            s.exec(sa.update(AuthSession).where(col(AuthSession.enterprise_user_id) == user.id)
                   .where(col(AuthSession.revoked_at).is_(None)).values(revoked_at=now))
        action = "password_set" if link.purpose == TokenPurpose.INVITE else "password_reset"
        record(s, company.id, actor_id=user.id, action=action, entity_id=user.id, ip=ip,  # type: ignore[arg-type]
               details={"email": user.email})
        return user.email


def request_reset(email: str, *, ip: str | None) -> None:
    """Email a reset link if the address is an active company user's; the same answer either way."""
    try:
        address = normalise_email(email)
    except InvalidEmail:
        return
    now, key = utcnow(), f"reset:{address}"[:254]  # counted apart from sign-in code requests
    with db.session() as s, s.begin():
        attempts.enforce(s, (RESETS_PER_EMAIL, RESETS_PER_IP), email=key, ip=ip, now=now)
        attempts.record_attempt(s, "code_request", email=key, ip=ip, succeeded=True, now=now)
        found = s.exec(select(EnterpriseUser, EnterpriseAccount)
                       .join(EnterpriseAccount, col(EnterpriseAccount.id) == EnterpriseUser.enterprise_account_id)
                       .where(col(EnterpriseUser.email) == address, col(EnterpriseUser.is_active).is_(True))).first()
        if found is None or found[1].status != "active":
            return
        send_link(s, found[0], found[1], TokenPurpose.RESET, now=now)
        record(s, found[1].id, actor_id=found[0].id, action="password_reset_requested",  # type: ignore[arg-type]
               entity_id=found[0].id, ip=ip, details={})  # type: ignore[arg-type]
