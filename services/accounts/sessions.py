"""Database sessions: the browser holds an opaque random token, only its SHA-256 is stored.

A session lasts 30 days from its last use (written at most once a minute); revoking one, or all
of a principal's, takes effect at the next request. Nothing here logs a token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.accounts.attempts import ATTEMPT_RETENTION
from services.accounts.validation import clip
from services.core import db
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

SESSION_TTL = dt.timedelta(days=30)  # sliding: each use (at most once a minute) extends it
SESSION_TOUCH_INTERVAL = dt.timedelta(minutes=1)

_PRINCIPAL_FIELD = {
    Role.CUSTOMER: "user_id",
    Role.ADMIN: "admin_id",
    Role.ENTERPRISE: "enterprise_account_id",
}


@dataclass(frozen=True)
class Identity:
    """Who is calling, resolved from the session cookie on every request."""

    role: str
    principal_id: int
    email: str
    display_name: str
    session_id: int
    roles: tuple[str, ...] = ()  # roles inside the portal (company or staff roles); none yet

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


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    """The stored form of a session token: hex SHA-256 (the token has 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(
    s: Session, *, role: str, principal_id: int, email: str, display_name: str,
    ip: str | None, user_agent: str | None, now: dt.datetime,
) -> NewSession:
    """Add a session for the principal in `s`'s transaction; the token leaves only in the result."""
    token, role = secrets.token_urlsafe(32), Role(role).value
    row = AuthSession(token_hash=hash_token(token), role=role, expires_at=now + SESSION_TTL,
                      last_seen_at=now, ip=clip(ip, 64), user_agent=clip(user_agent, 400),
                      **{_PRINCIPAL_FIELD[role]: principal_id})
    s.add(row)
    s.flush()
    identity = Identity(role=role, principal_id=principal_id, email=email, display_name=display_name,
                        session_id=row.id)  # type: ignore[arg-type]
    return NewSession(token=token, identity=identity, expires_at=row.expires_at)


def audit(s: Session, identity: Identity, action: str, *, ip: str | None, details: dict[str, Any]) -> None:
    """An audit row about the identity's session, in the caller's transaction."""
    s.add(AuditLog(actor_type=identity.role, actor_id=identity.principal_id, action=action,
                   entity_type="auth_session", entity_id=str(identity.session_id),
                   details=details, ip=clip(ip, 64)))


def _principal(user: User | None, admin: Admin | None, org: EnterpriseAccount | None) -> tuple | None:
    """(role, id, email, display name) of the session's active principal, else None."""
    if user is not None and user.is_active:
        name = " ".join(filter(None, (user.first_name, user.last_name))) or user.email
        return Role.CUSTOMER.value, user.id, user.email, name
    if admin is not None and admin.is_active:
        return Role.ADMIN.value, admin.id, admin.email, admin.name or admin.email
    if org is not None and org.status == "active":
        return Role.ENTERPRISE.value, org.id, org.contact_email, org.company_name
    return None


def resolve_session(token: str) -> Identity | None:
    """The identity behind a session token; None when unknown, expired, revoked or deactivated.

    Each use extends the session to 30 days from now, writing at most once a minute.
    """
    if not token or len(token) > 200:
        return None
    moment = utcnow()
    with db.session() as s:
        found = s.exec(
            select(AuthSession, User, Admin, EnterpriseAccount)
            .outerjoin(User, col(User.id) == AuthSession.user_id)
            .outerjoin(Admin, col(Admin.id) == AuthSession.admin_id)
            .outerjoin(EnterpriseAccount, col(EnterpriseAccount.id) == AuthSession.enterprise_account_id)
            .where(col(AuthSession.token_hash) == hash_token(token), col(AuthSession.revoked_at).is_(None))
            .where(col(AuthSession.expires_at) > moment)
        ).first()
        principal = _principal(*found[1:]) if found is not None else None
        if principal is None:
            return None
        session = found[0]
        if session.last_seen_at is None or moment - session.last_seen_at >= SESSION_TOUCH_INTERVAL:
            s.exec(  # guarded, so concurrent requests write once
                sa.update(AuthSession)
                .where(col(AuthSession.id) == session.id, col(AuthSession.revoked_at).is_(None))
                .where(sa.or_(col(AuthSession.last_seen_at).is_(None),
                              col(AuthSession.last_seen_at) <= moment - SESSION_TOUCH_INTERVAL))
                .values(last_seen_at=moment, expires_at=moment + SESSION_TTL)
            )
            s.commit()
        return Identity(*principal, session_id=session.id)


def revoke_session(token: str) -> None:
    """Log one session out (the caller also clears the cookie). Unknown tokens are ignored."""
    with db.session() as s, s.begin():
        s.exec(
            sa.update(AuthSession)
            .where(col(AuthSession.token_hash) == hash_token(token), col(AuthSession.revoked_at).is_(None))
            .values(revoked_at=utcnow())
        )


def revoke_all_sessions(identity: Identity) -> int:
    """Log out everywhere, this session included; audited. Returns how many sessions ended."""
    moment = utcnow()
    with db.session() as s, s.begin():
        ended = s.exec(
            sa.update(AuthSession)
            .where(_principal_column(identity) == identity.principal_id)
            .where(col(AuthSession.revoked_at).is_(None), col(AuthSession.expires_at) > moment)
            .values(revoked_at=moment)
        ).rowcount
        audit(s, identity, "logout_everywhere", ip=None, details={"sessions_ended": ended})
    return ended


def list_sessions(identity: Identity) -> list[SessionView]:
    """The principal's live sessions, most recently used first, for the profile page."""
    with db.session() as s:
        rows = s.exec(
            select(AuthSession)
            .where(_principal_column(identity) == identity.principal_id)
            .where(col(AuthSession.revoked_at).is_(None), col(AuthSession.expires_at) > utcnow())
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


def purge_expired(moment: dt.datetime | None = None) -> int:
    """Delete dead codes, attempts older than a day, and expired or revoked sessions; returns the count."""
    moment = moment or utcnow()
    statements = (
        sa.delete(LoginCode).where(
            sa.or_(col(LoginCode.expires_at) <= moment, col(LoginCode.consumed_at).is_not(None))),
        sa.delete(LoginAttempt).where(col(LoginAttempt.created_at) < moment - ATTEMPT_RETENTION),
        sa.delete(AuthSession).where(
            sa.or_(col(AuthSession.expires_at) <= moment, col(AuthSession.revoked_at).is_not(None))),
    )
    with db.session() as s, s.begin():
        return sum(s.exec(statement).rowcount for statement in statements)
