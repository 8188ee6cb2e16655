"""Database sessions: the browser holds an opaque random token, only its SHA-256 is stored.

Signing in creates a pending session and hands out a one-time ticket (valid a minute); the
browser trades it at a server route (`exchange_ticket`) for the token, which goes straight into
an HttpOnly cookie, so no page state ever holds it. Lifetimes by role (`SESSION_*` settings):
a customer's session slides (default 30 days from its last use); an enterprise or admin session
ends after 30 idle minutes and 12 hours after sign-in at the latest. Use is written at most once
a minute; revoking one, or all of a principal's, takes effect at the next request. Nothing here
logs a token or a ticket.
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
from services.core import db, get_settings
from services.core.models import (
    Admin,
    AuditLog,
    AuthSession,
    EnterpriseAccount,
    EnterpriseUser,
    LoginAttempt,
    LoginCode,
    Role,
    StaffRole,
    User,
)

SESSION_TOUCH_INTERVAL = dt.timedelta(minutes=1)
TICKET_TTL = dt.timedelta(minutes=1)

_PRINCIPAL_FIELD = {
    Role.CUSTOMER: "user_id",
    Role.ADMIN: "admin_id",
    Role.ENTERPRISE: "enterprise_user_id",
}


@dataclass(frozen=True)
class Identity:
    """Who is calling, resolved from the session cookie on every request."""

    role: str
    principal_id: int
    email: str
    display_name: str
    session_id: int
    roles: tuple[str, ...] = ()  # roles inside the portal (a company user's role; staff roles)
    company_id: int | None = None  # an enterprise user's company
    language: str = ""  # a customer's preferred language ("" for staff and company users)

    @property
    def org_id(self) -> int | None:
        """The company an enterprise session acts for; the only source of it (never the client)."""
        return self.company_id if self.role == Role.ENTERPRISE else None


@dataclass(frozen=True)
class NewSession:
    """A signed-in principal whose browser has yet to trade `ticket` for the session cookie."""

    ticket: str  # one use, within `TICKET_TTL`; never stored or logged
    identity: Identity
    expires_at: dt.datetime  # of the ticket


@dataclass(frozen=True)
class StartedSession:
    """What the sign-in route puts in the cookie."""

    token: str  # for the HttpOnly cookie only; never stored or logged
    role: str
    expires_at: dt.datetime
    cookie_max_age: int  # seconds; a customer's cookie outlives its sliding expiry, the server decides


@dataclass(frozen=True, slots=True)
class SessionView:
    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime | None
    expires_at: dt.datetime
    ip: str | None
    user_agent: str | None
    current: bool


def staff_roles(staff_role: str) -> tuple[str, ...]:
    """The roles a staff account holds in its identity: an owner holds every role, so a page for
    `roles=("finance",)` admits owners and finance staff."""
    if staff_role == StaffRole.OWNER:
        return tuple(r.value for r in StaffRole)
    return (StaffRole(staff_role).value,)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    """The stored form of a session token: hex SHA-256 (the token has 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_ticket(ticket: str) -> str:
    """The stored form of a sign-in ticket: a different hash, so a ticket never works as a token."""
    return hashlib.sha256(b"ticket:" + ticket.encode()).hexdigest()


def lifetime(role: str) -> tuple[dt.timedelta, dt.timedelta | None]:
    """(sliding or idle period, absolute cap or None) for sessions of `role`, from the settings."""
    settings = get_settings()
    if role == Role.CUSTOMER:
        return dt.timedelta(days=settings.session_customer_days), None
    return (dt.timedelta(minutes=settings.session_staff_idle_minutes),
            dt.timedelta(hours=settings.session_staff_max_hours))


def session_deadline(role: str, *, created_at: dt.datetime, last_used: dt.datetime) -> dt.datetime:
    """When a session of `role` created at `created_at` and last used at `last_used` ends."""
    period, cap = lifetime(role)
    return min(last_used + period, created_at + cap) if cap else last_used + period


def cookie_max_age(role: str) -> int:
    """Max-Age of the cookie: a staff cookie dies with the absolute cap; a customer's lives 400 days
    (browsers' limit) so the server's sliding expiry, not the cookie, ends the session."""
    _, cap = lifetime(role)
    return int(cap.total_seconds()) if cap else 400 * 24 * 3600


def create_session(
    s: Session, *, role: str, principal_id: int, email: str, display_name: str,
    ip: str | None, user_agent: str | None, now: dt.datetime, roles: tuple[str, ...] = (),
    company_id: int | None = None, ticket_ttl: dt.timedelta = TICKET_TTL, language: str = "",
) -> NewSession:
    """Add a pending session (no use yet) in `s`'s transaction; its ticket leaves only in the result."""
    ticket, role = secrets.token_urlsafe(32), Role(role).value
    row = AuthSession(token_hash=hash_ticket(ticket), role=role, expires_at=now + ticket_ttl,
                      last_seen_at=None, ip=clip(ip, 64), user_agent=clip(user_agent, 400),
                      **{_PRINCIPAL_FIELD[role]: principal_id})
    s.add(row)
    s.flush()
    identity = Identity(role=role, principal_id=principal_id, email=email, display_name=display_name,
                        session_id=row.id, roles=roles, company_id=company_id,  # type: ignore[arg-type]
                        language=language)
    return NewSession(ticket=ticket, identity=identity, expires_at=row.expires_at)


def exchange_ticket(ticket: str) -> StartedSession | None:
    """Trade a sign-in ticket for the session token, once and within a minute; None otherwise."""
    if not ticket or len(ticket) > 200:
        return None
    token, moment = secrets.token_urlsafe(32), utcnow()
    with db.session() as s, s.begin():
        pending = s.exec(
            select(AuthSession).where(col(AuthSession.token_hash) == hash_ticket(ticket))
            .where(col(AuthSession.last_seen_at).is_(None), col(AuthSession.revoked_at).is_(None))
            .where(col(AuthSession.expires_at) > moment).with_for_update()
        ).first()
        if pending is None:
            return None
        expires = session_deadline(pending.role, created_at=pending.created_at or moment, last_used=moment)
        pending.token_hash, pending.last_seen_at, pending.expires_at = hash_token(token), moment, expires
    return StartedSession(token=token, role=pending.role, expires_at=expires, cookie_max_age=cookie_max_age(pending.role))


def audit(s: Session, identity: Identity, action: str, *, ip: str | None, details: dict[str, Any]) -> None:
    """An audit row about the identity's session, in the caller's transaction."""
    s.add(AuditLog(actor_type=identity.role, actor_id=identity.principal_id, action=action,
                   entity_type="auth_session", entity_id=str(identity.session_id),
                   details=details, ip=clip(ip, 64), enterprise_account_id=identity.org_id))


def _principal(user: User | None, admin: Admin | None, member: EnterpriseUser | None,
               org: EnterpriseAccount | None) -> dict[str, Any] | None:
    """Identity fields of the session's active principal, else None (a suspended company's users too)."""
    if user is not None and user.is_active:
        name = " ".join(filter(None, (user.first_name, user.last_name))) or user.email
        return {"role": Role.CUSTOMER.value, "principal_id": user.id, "email": user.email, "display_name": name,
                "language": user.language}
    if admin is not None and admin.is_active:
        return {"role": Role.ADMIN.value, "principal_id": admin.id, "email": admin.email,
                "display_name": admin.name or admin.email, "roles": staff_roles(admin.staff_role)}
    if member is not None and member.is_active and org is not None and org.status == "active":
        return {"role": Role.ENTERPRISE.value, "principal_id": member.id, "email": member.email,
                "display_name": org.company_name, "roles": (member.role,), "company_id": org.id}
    return None


def resolve_session(token: str) -> Identity | None:
    """The identity behind a session token; None when unknown, expired, revoked or deactivated.

    Each use moves the session's end (`session_deadline`), writing at most once a minute; a
    pending session (ticket not yet exchanged) never resolves.
    """
    if not token or len(token) > 200:
        return None
    moment = utcnow()
    with db.session() as s:
        found = s.exec(
            select(AuthSession, User, Admin, EnterpriseUser, EnterpriseAccount)
            .outerjoin(User, col(User.id) == AuthSession.user_id)
            .outerjoin(Admin, col(Admin.id) == AuthSession.admin_id)
            .outerjoin(EnterpriseUser, col(EnterpriseUser.id) == AuthSession.enterprise_user_id)
            .outerjoin(EnterpriseAccount, col(EnterpriseAccount.id) == EnterpriseUser.enterprise_account_id)
            .where(col(AuthSession.token_hash) == hash_token(token), col(AuthSession.revoked_at).is_(None))
            .where(col(AuthSession.expires_at) > moment, col(AuthSession.last_seen_at).is_not(None))
        ).first()
        principal = _principal(*found[1:]) if found is not None else None
        if principal is None or not _within_lifetime(found[0], moment):
            return None
        session = found[0]
        if session.last_seen_at is None or moment - session.last_seen_at >= SESSION_TOUCH_INTERVAL:
            s.exec(  # guarded, so concurrent requests write once
                sa.update(AuthSession)
                .where(col(AuthSession.id) == session.id, col(AuthSession.revoked_at).is_(None))
                .where(sa.or_(col(AuthSession.last_seen_at).is_(None),
                              col(AuthSession.last_seen_at) <= moment - SESSION_TOUCH_INTERVAL))
                .values(last_seen_at=moment, expires_at=session_deadline(
                    session.role, created_at=session.created_at or moment, last_used=moment))
            )
            s.commit()
        return Identity(**principal, session_id=session.id)


def refusal(token: str) -> str | None:
    """Why a live session no longer resolves, when the holder should be told: "company_suspended"
    for a user of a company staff suspended (their next event ends their access); None otherwise."""
    if not token or len(token) > 200:
        return None
    with db.session() as s:
        status = s.exec(
            select(EnterpriseAccount.status)
            .join(EnterpriseUser, col(EnterpriseUser.enterprise_account_id) == EnterpriseAccount.id)
            .join(AuthSession, col(AuthSession.enterprise_user_id) == EnterpriseUser.id)
            .where(col(AuthSession.token_hash) == hash_token(token), col(AuthSession.revoked_at).is_(None))
            .where(col(AuthSession.expires_at) > utcnow(), col(EnterpriseUser.is_active).is_(True))
        ).first()
    return "company_suspended" if status == "suspended" else None


def _within_lifetime(session: AuthSession, moment: dt.datetime) -> bool:
    """Today's lifetime settings hold for sessions written under older ones too."""
    created = session.created_at or moment
    return session_deadline(session.role, created_at=created, last_used=session.last_seen_at or created) > moment


def revoke_session(token: str, *, ip: str | None = None) -> None:
    """Log one session out (the caller also clears the cookie), with a "logout" audit row, in the
    company's log for a company user. Unknown or already ended sessions are ignored."""
    with db.session() as s, s.begin():
        ended = s.execute(
            sa.update(AuthSession)
            .where(col(AuthSession.token_hash) == hash_token(token), col(AuthSession.revoked_at).is_(None))
            .values(revoked_at=utcnow())
            .returning(AuthSession.id, AuthSession.role, AuthSession.user_id, AuthSession.admin_id,
                       AuthSession.enterprise_user_id)
        ).first()
        if ended is None:
            return
        company_id = (s.exec(select(EnterpriseUser.enterprise_account_id)
                             .where(col(EnterpriseUser.id) == ended.enterprise_user_id)).first()
                      if ended.enterprise_user_id is not None else None)
        s.add(AuditLog(actor_type=ended.role, actor_id=ended.user_id or ended.admin_id or ended.enterprise_user_id,
                       action="logout", entity_type="auth_session", entity_id=str(ended.id), details={},
                       ip=clip(ip, 64), enterprise_account_id=company_id))


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
            .where(col(AuthSession.last_seen_at).is_not(None))
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
