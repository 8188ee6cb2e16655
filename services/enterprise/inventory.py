"""A company's eSIM inventory: every eSIM with its derived status, recipient, usage and expiry.

Statuses are derived, not stored, from the eSIM's own status, usage and expiry and whether it has a
live allocation: expired (expired, cancelled, or past its expiry), used up, active (installed and
data used), installed (installed, no data used yet), assigned (given to someone, not installed) and
in stock (nobody's, not installed). Filtering, search (ICCID, recipient name or email) and paging
run in the database. Every read is scoped to the caller's company.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import Esim, EsimAllocation, EsimStatus, Order, Package
from services.enterprise.access import company_for
from services.enterprise.allocation import utcnow
from services.enterprise.errors import NotAllowed

STATUSES = ("in_stock", "assigned", "installed", "active", "used_up", "expired")
STATUS_LABELS = {"in_stock": "In stock", "assigned": "Assigned", "installed": "Installed", "active": "Active",
                 "used_up": "Used up", "expired": "Expired"}
SORTS = ("created", "iccid", "status", "recipient", "expires", "usage")
MAX_PAGE_SIZE = 100
MAX_SEARCH = 100
# what a row shows; never the activation string or matching id (those are for the recipient's install page)
COLUMNS = (Esim.display_id, Esim.iccid, Package.name, Package.destination_name, Esim.used_mb, Esim.total_mb,
           Esim.unlimited, Esim.expires_at, EsimAllocation.recipient_name, EsimAllocation.recipient_email,
           EsimAllocation.created_at, EsimAllocation.opened_at)


@dataclass(frozen=True, slots=True)
class InventoryRow:
    esim_ref: str
    iccid: str
    plan_name: str
    destination_name: str
    status: str  # one of STATUSES
    recipient_name: str
    recipient_email: str
    used_mb: int
    total_mb: int | None
    unlimited: bool
    expires_at: dt.datetime | None
    assigned_at: dt.datetime | None
    link_opened: bool


@dataclass(frozen=True, slots=True)
class InventoryPage:
    rows: tuple[InventoryRow, ...]
    total: int  # rows matching the filter and search, over all pages
    counts: dict[str, int]  # every status of the company's eSIMs, whatever the filter


def live_join() -> sa.ColumnElement[bool]:
    """Join condition of an eSIM's live allocation (at most one, by the unique partial index)."""
    return sa.and_(col(EsimAllocation.esim_id) == Esim.id, col(EsimAllocation.revoked_at).is_(None))


def status_expression(now: dt.datetime) -> sa.ColumnElement[str]:
    """The derived status of an eSIM row outer-joined to its live allocation."""
    return sa.case(
        (sa.or_(col(Esim.status).in_([EsimStatus.EXPIRED, EsimStatus.CANCELLED]), col(Esim.expires_at) <= now),
         "expired"),
        (col(Esim.status) == EsimStatus.USED_UP, "used_up"),
        (sa.and_(col(Esim.status) == EsimStatus.ACTIVE, col(Esim.used_mb) > 0), "active"),
        (col(Esim.status) == EsimStatus.ACTIVE, "installed"),
        (col(EsimAllocation.id).is_not(None), "assigned"),
        else_="in_stock",
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(query, company_id: int, status: str | None, search: str, state: sa.ColumnElement[str]):
    query = query.where(col(Esim.enterprise_account_id) == company_id)
    if status:
        query = query.where(state == status)
    if search:
        pattern = _like(search)
        query = query.where(sa.or_(col(Esim.iccid).ilike(pattern, escape="\\"),
                                   col(EsimAllocation.recipient_name).ilike(pattern, escape="\\"),
                                   col(EsimAllocation.recipient_email).ilike(pattern, escape="\\")))
    return query


def _order(sort: str, descending: bool, state: sa.ColumnElement[str]) -> list:
    key = {"created": col(Esim.id), "iccid": col(Esim.iccid), "status": state,
           "recipient": col(EsimAllocation.recipient_name), "expires": col(Esim.expires_at),
           "usage": col(Esim.used_mb)}[sort]
    first = key.desc().nulls_last() if descending else key.asc().nulls_last()
    return [first, col(Esim.id).desc() if descending else col(Esim.id).asc()]


def status_counts(s: Session, company_id: int, now: dt.datetime) -> dict[str, int]:
    """How many of the company's eSIMs are in each status."""
    state = status_expression(now)
    rows = s.exec(select(state, sa.func.count()).select_from(Esim).outerjoin(EsimAllocation, live_join())
                  .where(col(Esim.enterprise_account_id) == company_id).group_by(state)).all()
    return {name: 0 for name in STATUSES} | {name: n for name, n in rows}


def _check(status: str | None, sort: str, page: int, page_size: int) -> None:
    if status and status not in STATUSES:
        raise NotAllowed(f"unknown status filter {status!r}")
    if sort not in SORTS or page < 0 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise NotAllowed("unknown sort or page")


def list_inventory(identity: Identity, *, status: str | None = None, search: str = "", sort: str = "created",
                   descending: bool = True, page: int = 0, page_size: int = 25) -> InventoryPage:
    """One page of the caller's company's eSIMs (any company role may read)."""
    company_id = company_for(identity)
    _check(status, sort, page, page_size)
    search, now = " ".join(search.split())[:MAX_SEARCH], utcnow()
    state = status_expression(now)
    base = (select(*COLUMNS, state)
            .join(Order, col(Order.id) == Esim.order_id).join(Package, col(Package.id) == Order.package_id)
            .outerjoin(EsimAllocation, live_join()))
    query = _filtered(base, company_id, status, search, state)
    counted = _filtered(select(sa.func.count()).select_from(Esim).outerjoin(EsimAllocation, live_join()),
                        company_id, status, search, state)
    with db.session() as s:
        total = s.exec(counted).one()
        found = s.exec(query.order_by(*_order(sort, descending, state)).offset(page * page_size)
                       .limit(page_size)).all()
        counts = status_counts(s, company_id, now)
    return InventoryPage(tuple(_row(*r) for r in found), total, counts)


def _row(ref: str, iccid: str, plan: str, destination: str, used_mb: int, total_mb: int | None, unlimited: bool,
         expires_at: dt.datetime | None, name: str | None, email: str | None, assigned_at: dt.datetime | None,
         opened_at: dt.datetime | None, status: str) -> InventoryRow:
    return InventoryRow(esim_ref=ref, iccid=iccid, plan_name=plan, destination_name=destination, status=status,
                        recipient_name=name or "", recipient_email=email or "", used_mb=used_mb, total_mb=total_mb,
                        unlimited=unlimited, expires_at=expires_at, assigned_at=assigned_at,
                        link_opened=opened_at is not None)
