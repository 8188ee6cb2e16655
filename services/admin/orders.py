"""The staff order list: filters, search by reference / email / ICCID, keyset paging.

Plain synchronous functions with plain parameters (the benchmark in bench/ calls them as they are);
the async face in `services.admin` checks the caller's role first. Every query is shaped for an
index of `ix_orders_*` (see the `b5d1e8c3a9f6` migration): filters on another table (customer,
company, destination, ICCID) are first resolved to a short list of ids, then the orders are read
newest first by (created_at, id), or by (base_price_cents, id), continuing after a cursor rather than
skipping rows. Amounts are compared by their USD worth at the order's own rate (`base_price_cents`),
so a ¥1,500 order and a $9.99 one sort and filter by what they are worth, not by their digits. The total is counted up to `COUNT_CAP` rows; beyond that the page says "more than".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from providers.specs import provider_name
from services.core import db
from services.core.models import EnterpriseAccount, Esim, Order, OrderStatus, Package, User

COUNT_CAP = 10_000
MAX_PAGE = 100
MAX_IDS = 1_000  # customers or companies a filter may match before it is too vague to list
SORTS = {"created": Order.created_at, "amount": Order.base_price_cents}
_REF = re.compile(r"^OID[A-Z0-9]{4,16}$")
_ICCID = re.compile(r"^\d{6,22}$")


@dataclass(frozen=True, slots=True)
class OrderRow:
    ref: str
    created_at: dt.datetime
    status: str
    kind: str
    customer_email: str
    company_name: str
    plan_name: str
    destination_code: str
    provider_id: str
    provider_name: str
    price_cents: int
    refunded_cents: int
    currency: str
    base_price_cents: int  # the price's USD worth at the order's rate: what amount filters and sorting use


@dataclass(frozen=True, slots=True)
class OrderPage:
    rows: tuple[OrderRow, ...]
    total: int  # at most COUNT_CAP; see `more`
    more: bool  # more than `total` orders match
    next_cursor: str  # where the page after this one starts ("" when this is the last)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ids(s: Session, query: sa.Select) -> list[int]:
    return list(s.execute(query.limit(MAX_IDS)).scalars())


def customer_ids(s: Session, text: str) -> list[int]:
    """Customers whose address starts with `text` (the `ix_users_email_prefix` index)."""
    prefix = _escape_like(text.strip().lower())
    return _ids(s, sa.select(User.id).where(col(User.email).like(f"{prefix}%", escape="\\")).order_by(User.id))


def _company_ids(s: Session, text: str) -> list[int]:
    name = _escape_like(text.strip())
    return _ids(s, sa.select(EnterpriseAccount.id).where(col(EnterpriseAccount.company_name).ilike(f"%{name}%",
                                                                                                 escape="\\")))


def search_condition(s: Session, query: str) -> Any:
    """Orders matching a search: a reference (OID...), an ICCID (digits) or the start of an email address."""
    text = " ".join((query or "").split())
    if not text:
        return sa.true()
    if _REF.match(text.upper()):
        return col(Order.display_id) == text.upper()
    if _ICCID.match(text):
        return col(Order.id).in_(_ids(s, sa.select(Esim.order_id).where(col(Esim.iccid) == text)))
    return col(Order.user_id).in_(customer_ids(s, text))


def filter_conditions(s: Session, *, status: str = "", provider: str = "", destination: str = "", customer: str = "",
                      date_from: dt.date | None = None, date_to: dt.date | None = None,
                      min_cents: int | None = None, max_cents: int | None = None) -> list[Any]:
    """The WHERE clauses of the list's filters; an empty value does not filter. `min_cents` and
    `max_cents` are USD cents, compared with each order's USD worth whatever currency it was paid in."""
    where: list[Any] = []
    if status:
        where.append(col(Order.status) == OrderStatus(status).value)
    if provider:
        where.append(col(Order.provider_id) == provider)
    if destination:
        packages = _ids(s, sa.select(Package.id).where(col(Package.destination_code) == destination.strip()))
        where.append(col(Order.package_id).in_(packages))
    if customer.strip():
        users = customer_ids(s, customer)  # the start of an address
        companies = [] if "@" in customer else _company_ids(s, customer)  # or part of a company's name
        where.append(sa.or_(col(Order.user_id).in_(users), col(Order.enterprise_account_id).in_(companies)))
    if date_from is not None:
        where.append(col(Order.created_at) >= dt.datetime.combine(date_from, dt.time(), dt.UTC))
    if date_to is not None:
        where.append(col(Order.created_at) < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), dt.UTC))
    if min_cents is not None:
        where.append(col(Order.base_price_cents) >= min_cents)
    if max_cents is not None:
        where.append(col(Order.base_price_cents) <= max_cents)
    return where


def _cursor(row: OrderRow, sort: str) -> str:
    value = row.created_at.isoformat() if sort == "created" else str(row.base_price_cents)
    return f"{value}|{row.ref}"


def _after(cursor: str, sort: str, descending: bool) -> Any:
    """Rows strictly after the cursor's (value, ref) in the list's order; the ref stands in for the id."""
    value, _, ref = cursor.rpartition("|")
    parsed: Any = dt.datetime.fromisoformat(value) if sort == "created" else int(value)
    key_id = sa.select(Order.id).where(col(Order.display_id) == ref).scalar_subquery()
    pair, bound = sa.tuple_(SORTS[sort], Order.id), sa.tuple_(sa.literal(parsed), key_id)
    return pair < bound if descending else pair > bound


_COLUMNS = (Order.display_id, Order.created_at, Order.status, Order.kind, User.email, EnterpriseAccount.company_name,
            Package.name, Package.destination_code, Order.provider_id, Order.price_cents, Order.refunded_cents,
            Order.currency, Order.base_price_cents)


def _rows(s: Session, where: list[Any], *, sort: str, descending: bool, offset: int, limit: int) -> list[OrderRow]:
    """The page's rows: the ids by index first, then their columns (plain rows, no ORM objects)."""
    column = SORTS[sort]
    order = (column.desc(), col(Order.id).desc()) if descending else (column.asc(), col(Order.id).asc())
    ids = sa.select(Order.id).where(*where).order_by(*order).offset(offset).limit(limit).subquery()
    query = (
        sa.select(*_COLUMNS).select_from(Order)
        .join(ids, ids.c.id == Order.id)
        .join(Package, col(Package.id) == Order.package_id)
        .outerjoin(User, col(User.id) == Order.user_id)
        .outerjoin(EnterpriseAccount, col(EnterpriseAccount.id) == Order.enterprise_account_id)
        .order_by(*order)
    )
    return [OrderRow(ref or "", created, status, kind, email or "", company or "", plan, destination, provider or "",
                     provider_name(provider or ""), price, refunded, currency, base)
            for ref, created, status, kind, email, company, plan, destination, provider, price, refunded, currency, base
            in s.execute(query)]


def _count(s: Session, where: list[Any]) -> tuple[int, bool]:
    capped = sa.select(sa.literal(1)).select_from(Order).where(*where).limit(COUNT_CAP + 1).subquery()
    total = s.execute(sa.select(sa.func.count()).select_from(capped)).scalar_one()
    return min(total, COUNT_CAP), total > COUNT_CAP


def list_orders(*, query: str = "", status: str = "", provider: str = "", destination: str = "",
                customer: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None,
                min_cents: int | None = None, max_cents: int | None = None, sort: str = "created",
                descending: bool = True, after: str = "", offset: int = 0, limit: int = 25,
                count: bool = True) -> OrderPage:
    """One page of orders matching the search and filters, newest (or dearest) first.

    `after` (a previous page's `next_cursor`) continues by keyset; `offset` jumps (slower far in).
    `count=False` skips the total (the page after the first needs none).
    """
    sort = sort if sort in SORTS else "created"
    limit = max(1, min(int(limit), MAX_PAGE))
    with db.session() as s:  # one connection for the id look-ups, the page and the count
        where = [search_condition(s, query), *filter_conditions(
            s, status=status, provider=provider, destination=destination, customer=customer, date_from=date_from,
            date_to=date_to, min_cents=min_cents, max_cents=max_cents)]
        page_where = [*where, _after(after, sort, descending)] if after else where
        rows = _rows(s, page_where, sort=sort, descending=descending, offset=0 if after else max(0, offset),
                     limit=limit + 1)
        total, more = _count(s, where) if count else (0, False)
    next_cursor = _cursor(rows[limit - 1], sort) if len(rows) > limit else ""
    return OrderPage(tuple(rows[:limit]), total, more, next_cursor)


def search_orders(query: str, *, limit: int = 25) -> OrderPage:
    """Orders by reference, ICCID or the start of the customer's email address, newest first."""
    return list_orders(query=query, limit=limit)


def filter_choices() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(providers, destination codes) that orders can be filtered by, from the catalogue."""
    with db.session() as s:
        providers = s.execute(sa.select(Package.provider_id).distinct().order_by(Package.provider_id)).scalars()
        destinations = s.execute(sa.select(Package.destination_code).distinct()
                                 .order_by(Package.destination_code)).scalars()
        return tuple(providers), tuple(destinations)
