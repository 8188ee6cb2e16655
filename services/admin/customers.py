"""Customers as staff see them: search, one customer's orders / eSIMs / tickets / sessions / spend,
disable and enable (a disabled customer cannot sign in and their sessions end at once), ending their
sessions, and a GDPR-style export of everything we hold about one customer (`customer_export`).

Synchronous functions; the async face in `services.admin` checks the role. Changes are audited
with before/after and run once per confirmation key (`access.run_once`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.admin import access
from services.admin.orders import customer_ids
from services.core import db
from services.core.errors import ServiceError
from services.core.models import AuthSession, Esim, Order, OrderStatus, Package, SupportTicket, User

MAX_LISTED = 50
_UID = re.compile(r"^UID\d+$")
UNPAID = (OrderStatus.PENDING.value, OrderStatus.CANCELLED.value)


class CustomerNotFound(ServiceError):
    code = "admin_customer_not_found"


@dataclass(frozen=True, slots=True)
class CustomerRow:
    ref: str
    email: str
    name: str
    created_at: dt.datetime
    active: bool


@dataclass(frozen=True, slots=True)
class CustomerPage:
    rows: tuple[CustomerRow, ...]
    total: int


@dataclass(frozen=True, slots=True)
class CustomerOrder:
    ref: str
    created_at: dt.datetime
    status: str
    plan_name: str
    price_cents: int
    refunded_cents: int
    currency: str


@dataclass(frozen=True, slots=True)
class CustomerEsim:
    ref: str
    iccid: str
    status: str
    used_mb: int
    total_mb: int | None


@dataclass(frozen=True, slots=True)
class CustomerTicket:
    ref: str
    subject: str
    status: str
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CustomerSession:
    created_at: dt.datetime
    last_seen_at: dt.datetime | None
    ip: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class CustomerDetail:
    ref: str
    email: str
    name: str
    country: str
    created_at: dt.datetime
    active: bool
    spend: tuple[tuple[str, int], ...]  # (currency, paid minus refunded cents), per currency
    orders: tuple[CustomerOrder, ...]  # newest first, at most MAX_LISTED
    esims: tuple[CustomerEsim, ...]
    tickets: tuple[CustomerTicket, ...]
    sessions: tuple[CustomerSession, ...]  # live ones


def _name(user: User) -> str:
    return " ".join(filter(None, (user.first_name, user.last_name)))


def _matching(s: Session, query: str) -> Any:
    text = " ".join((query or "").split())
    if not text:
        return sa.true()
    if _UID.match(text.upper()):
        return col(User.display_id) == text.upper()
    if "@" in text:
        return col(User.id).in_(customer_ids(s, text))
    words = [w.replace("%", "").replace("_", "") for w in text.split()[:3]]
    by_name = [sa.or_(col(User.first_name).ilike(f"{w}%"), col(User.last_name).ilike(f"{w}%")) for w in words]
    return sa.or_(sa.and_(*by_name), col(User.id).in_(customer_ids(s, text)))


def list_customers(*, query: str = "", offset: int = 0, limit: int = 25) -> CustomerPage:
    """Customers by the start of their email address, their name, or their reference; newest first."""
    limit = max(1, min(limit, 100))
    with db.session() as s:
        where = _matching(s, query)
        users = s.exec(select(User).where(where).order_by(col(User.id).desc()).offset(max(0, offset)).limit(limit)).all()
        total = s.execute(sa.select(sa.func.count()).select_from(User).where(where)).scalar_one()
    rows = tuple(CustomerRow(u.display_id or "", u.email, _name(u), u.created_at, u.is_active)  # type: ignore[arg-type]
                 for u in users)
    return CustomerPage(rows, total)


def _user(s: Session, user_ref: str, *, lock: bool = False) -> User:
    query = select(User).where(User.display_id == (user_ref or "").strip().upper())
    user = s.exec(query.with_for_update() if lock else query).first()
    if user is None:
        raise CustomerNotFound(f"no customer {user_ref}")
    return user


def _spend(s: Session, user_id: int) -> tuple[tuple[str, int], ...]:
    rows = s.execute(sa.select(Order.currency, sa.func.sum(Order.price_cents - Order.refunded_cents))
                     .where(Order.user_id == user_id, col(Order.status).not_in(UNPAID))
                     .group_by(Order.currency).order_by(Order.currency)).all()
    return tuple((currency, int(total)) for currency, total in rows)


def get_customer(user_ref: str) -> CustomerDetail:
    """One customer with their orders, eSIMs, tickets, live sessions and spend; `CustomerNotFound` otherwise."""
    with db.session() as s:
        user = _user(s, user_ref)
        orders = s.exec(select(Order, Package.name).join(Package, col(Package.id) == Order.package_id)
                        .where(Order.user_id == user.id).order_by(col(Order.created_at).desc()).limit(MAX_LISTED)).all()
        esims = s.exec(select(Esim).where(Esim.user_id == user.id).order_by(col(Esim.id).desc()).limit(MAX_LISTED)).all()
        tickets = s.exec(select(SupportTicket).where(SupportTicket.user_id == user.id)
                         .order_by(col(SupportTicket.updated_at).desc()).limit(MAX_LISTED)).all()
        sessions = s.exec(select(AuthSession).where(AuthSession.user_id == user.id, col(AuthSession.revoked_at).is_(None))
                          .where(col(AuthSession.expires_at) > sa.func.now(), col(AuthSession.last_seen_at).is_not(None))
                          .order_by(col(AuthSession.last_seen_at).desc())).all()
        return CustomerDetail(
            user.display_id or "", user.email, _name(user), user.country or "", user.created_at,  # type: ignore[arg-type]
            user.is_active, _spend(s, user.id),  # type: ignore[arg-type]
            tuple(CustomerOrder(o.display_id or "", o.created_at, o.status, plan, o.price_cents, o.refunded_cents,  # type: ignore[arg-type]
                                o.currency) for o, plan in orders),
            tuple(CustomerEsim(e.display_id or "", e.iccid, e.status, e.used_mb, e.total_mb) for e in esims),
            tuple(CustomerTicket(t.display_id or "", t.subject, t.status, t.updated_at) for t in tickets),  # type: ignore[arg-type]
            tuple(CustomerSession(a.created_at, a.last_seen_at, a.ip or "", a.user_agent or "") for a in sessions),  # type: ignore[arg-type]
        )


def _end_sessions(s: Session, user_id: int) -> int:
    return s.execute(sa.update(AuthSession).where(AuthSession.user_id == user_id, col(AuthSession.revoked_at).is_(None))
                     .where(col(AuthSession.expires_at) > sa.func.now())
                     .values(revoked_at=sa.func.now())).rowcount


def set_active(identity: Identity, user_ref: str, *, active: bool, note: str) -> dict[str, Any]:
    """Enable or disable a customer; disabling ends every session of theirs. Audited."""
    with db.session() as s, s.begin():
        user = _user(s, user_ref, lock=True)
        before = user.is_active
        user.is_active = active
        ended = 0 if active else _end_sessions(s, user.id)  # type: ignore[arg-type]
        access.record(s, identity.principal_id, "customer.enabled" if active else "customer.disabled", entity="user",
                     entity_id=user.display_id or "", before={"active": before}, after={"active": active},
                     note=note, sessions_ended=ended)
    return {"changed": before != active, "active": active, "sessions_ended": ended}


def end_sessions(identity: Identity, user_ref: str, *, note: str) -> dict[str, Any]:
    """Sign the customer out everywhere. Audited."""
    with db.session() as s, s.begin():
        user = _user(s, user_ref, lock=True)
        ended = _end_sessions(s, user.id)  # type: ignore[arg-type]
        access.record(s, identity.principal_id, "customer.sessions_revoked", entity="user", entity_id=user.display_id or "",
                     before={"live_sessions": ended}, after={"live_sessions": 0}, note=note)
    return {"changed": ended > 0, "sessions_ended": ended}
