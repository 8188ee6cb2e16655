"""The audit log viewer (owners and finance): filters, server-side pages, before/after details.

Who may read it: owners (they manage staff) and finance (they reconcile refunds and billing).
Operations and support may not: the log holds every staff member's sign-ins and addresses and
every customer's refunds across the store, more than their work needs (least privilege).

Filters: who (an email, matched against staff, customer and company-user addresses, or "system"),
action (a prefix, e.g. "refund." or "staff."), object type and id, and a date range (UTC days,
both ends included). Newest first; indexes on `created_at` and `(actor_type, actor_id, created_at)`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from services.accounts.sessions import Identity
from services.accounts.staff_access import active_staff
from services.admin.errors import InvalidFilter
from services.core import db
from services.core.models import Admin, AuditLog, EnterpriseUser, StaffRole, User

READERS = (StaffRole.OWNER.value, StaffRole.FINANCE.value)
MAX_PAGE_SIZE = 100
MAX_TEXT = 254


@dataclass(frozen=True, slots=True)
class AuditQuery:
    who: str = ""  # an email address (exact, case-insensitive) or "system"
    action: str = ""  # a prefix
    entity_type: str = ""
    entity_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 0
    page_size: int = 25


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    created_at: dt.datetime
    actor: str  # "admin owner@example.com", "customer ...", "system"
    action: str
    entity_type: str
    entity_id: str
    ip: str
    before: str  # JSON text, "" when the row has none
    after: str
    details: str  # the remaining details, JSON text


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: tuple[AuditEntry, ...]
    total: int


_ACTOR_TABLES: tuple[tuple[str, Any, Any], ...] = (
    ("admin", Admin, col(Admin.email)),
    ("customer", User, col(User.email)),
    ("enterprise", EnterpriseUser, col(EnterpriseUser.email)),
)


def _who(who: str) -> Any:
    """The condition for `who`: "system", or an email matched against every kind of account."""
    text = who.strip().lower()[:MAX_TEXT]
    if text == "system":
        return col(AuditLog.actor_type) == "system"
    matches = [sa.and_(col(AuditLog.actor_type) == kind, col(AuditLog.actor_id).in_(
        sa.select(model.id).where(sa.func.lower(email) == text))) for kind, model, email in _ACTOR_TABLES]
    return sa.or_(*matches)


def _conditions(q: AuditQuery) -> list[Any]:
    if q.date_from and q.date_to and q.date_from > q.date_to:
        raise InvalidFilter("date_from after date_to")
    out = []
    if q.who.strip():
        out.append(_who(q.who))
    if q.action.strip():
        prefix = q.action.strip()[:100].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        out.append(col(AuditLog.action).like(f"{prefix}%", escape="\\"))
    if q.entity_type.strip():
        out.append(col(AuditLog.entity_type) == q.entity_type.strip()[:50])
    if q.entity_id.strip():
        out.append(col(AuditLog.entity_id) == q.entity_id.strip()[:64])
    if q.date_from:
        out.append(col(AuditLog.created_at) >= dt.datetime.combine(q.date_from, dt.time(), dt.UTC))
    if q.date_to:
        out.append(col(AuditLog.created_at) < dt.datetime.combine(q.date_to + dt.timedelta(days=1), dt.time(), dt.UTC))
    return out


def _json(value: Any) -> str:
    return "" if value in (None, {}, []) else json.dumps(value, sort_keys=True, default=str)


def _entry(row: AuditLog, names: dict[tuple[str, int], str]) -> AuditEntry:
    details = dict(row.details or {})
    before, after = details.pop("before", None), details.pop("after", None)
    details.pop("entity", None)
    who = names.get((row.actor_type, row.actor_id or 0), f"#{row.actor_id}" if row.actor_id else "")
    return AuditEntry(row.id, row.created_at, f"{row.actor_type} {who}".strip(), row.action,  # type: ignore[arg-type]
                      row.entity_type, row.entity_id, row.ip or "", _json(before), _json(after), _json(details))


def _names(s: Any, rows: list[AuditLog]) -> dict[tuple[str, int], str]:
    """The email of each actor on the page, one query per kind of account."""
    names: dict[tuple[str, int], str] = {}
    for kind, model, email in _ACTOR_TABLES:
        ids = {r.actor_id for r in rows if r.actor_type == kind and r.actor_id}
        if ids:
            names.update({(kind, i): e for i, e in s.exec(sa.select(model.id, email).where(model.id.in_(ids))).all()})
    return names


def list_audit(identity: Identity, query: AuditQuery | None = None) -> AuditPage:
    """One page of the audit log, newest first, under the filters."""
    q = query or AuditQuery()
    conditions = _conditions(q)
    size = max(1, min(q.page_size, MAX_PAGE_SIZE))
    with db.session() as s:
        active_staff(s, identity, READERS)
        total = s.exec(select(sa.func.count()).select_from(AuditLog).where(*conditions)).one()
        rows = list(s.exec(select(AuditLog).where(*conditions)
                           .order_by(col(AuditLog.created_at).desc(), col(AuditLog.id).desc())
                           .offset(max(0, q.page) * size).limit(size)).all())
        names = _names(s, rows)
        return AuditPage(tuple(_entry(r, names) for r in rows), total)
