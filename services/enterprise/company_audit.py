"""A company's audit log, for its admins: sign-ins and sign-outs, role changes, money actions,
assignments and exports of the company (rows with its `enterprise_account_id`), newest first.

Rows written by store staff about the company (a payment recorded, a credit limit changed) are shown
with "Store staff" as the actor: the staff member's address and IP stay inside the store.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import AuditLog, CompanyRole, EnterpriseUser
from services.enterprise.access import company_for, require_active

READERS = (CompanyRole.ADMIN,)
MAX_PAGE_SIZE = 100
MAX_FILTER = 100


@dataclass(frozen=True, slots=True)
class CompanyAuditEntry:
    id: int
    created_at: dt.datetime
    actor: str  # a company user's email, "Store staff" or "System"
    action: str
    subject: str  # "esim 12", "enterprise_user 3", ...
    ip: str  # company users' own addresses only
    details: str  # "key: value" pairs joined by " · " (nested values as compact JSON), "" when empty


@dataclass(frozen=True, slots=True)
class CompanyAuditPage:
    rows: tuple[CompanyAuditEntry, ...]
    total: int
    page: int
    page_size: int


def _actor(actor_type: str, email: str | None) -> str:
    if actor_type == "enterprise":
        return email or "a former user"
    return "Store staff" if actor_type == "admin" else "System"


def _shown(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _details(details: dict | None) -> str:
    """The row's details for people: set values only, in key order, nested ones as compact JSON."""
    return " · ".join(f"{key.replace('_', ' ')}: {_shown(value)}" for key, value in sorted((details or {}).items())
                      if value is not None)


def _entry(row: AuditLog, email: str | None) -> CompanyAuditEntry:
    own = row.actor_type == "enterprise"
    return CompanyAuditEntry(
        id=row.id, created_at=row.created_at, actor=_actor(row.actor_type, email),  # type: ignore[arg-type]
        action=row.action, subject=f"{row.entity_type} {row.entity_id}", ip=(row.ip or "") if own else "",
        details=_details(row.details))


def list_company_audit(identity: Identity, *, action: str = "", page: int = 0,
                       page_size: int = 25) -> CompanyAuditPage:
    """One page of the caller's company's audit log, newest first; `action` filters by prefix
    (e.g. "log" for sign-ins and sign-outs). Company admins only, of an active company."""
    company_id = company_for(identity, READERS)
    page, page_size = max(0, int(page)), min(max(1, int(page_size)), MAX_PAGE_SIZE)
    where = [col(AuditLog.enterprise_account_id) == company_id]
    prefix = action.strip()[:MAX_FILTER]
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(col(AuditLog.action).like(escaped + "%", escape="\\"))
    with db.session() as s:
        require_active(s, company_id)
        total = s.exec(select(sa.func.count()).select_from(AuditLog).where(*where)).one()
        email = (select(EnterpriseUser.email).where(col(EnterpriseUser.id) == AuditLog.actor_id)
                 .where(col(EnterpriseUser.enterprise_account_id) == company_id)
                 .where(col(AuditLog.actor_type) == "enterprise").scalar_subquery())
        found = s.exec(select(AuditLog, email).where(*where)
                       .order_by(col(AuditLog.created_at).desc(), col(AuditLog.id).desc())
                       .offset(page * page_size).limit(page_size)).all()
        rows = tuple(_entry(row, mail) for row, mail in found)
    return CompanyAuditPage(rows=rows, total=total, page=page, page_size=page_size)
