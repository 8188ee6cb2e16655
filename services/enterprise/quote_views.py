"""What a quote looks like to its company and to staff: frozen views built from the rows, and the
queries both sides share (one quote by reference, a page of quotes, the catalogue plans to pick).

A priced quote whose `valid_until` has passed reads as expired at once, before the
`expire_quotes` job writes it so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.core import db
from services.core.models import (
    Admin,
    EnterpriseAccount,
    EnterpriseQuote,
    EnterpriseQuoteLine,
    EnterpriseUser,
    Package,
    QuoteStatus,
)
from services.core.money import format_money
from services.core.units import format_data_size
from services.enterprise.errors import QuoteNotFound

MAX_REF = 32


@dataclass(frozen=True)
class QuoteLineView:
    id: int
    number: int  # 1-based, as the company numbered them
    is_custom: bool
    description: str  # the plan's name, or the need in words
    countries: tuple[str, ...]
    data_gb: int | None
    days: int | None
    quantity: int
    package_slug: str  # the plan asked for, or the package staff chose for a need ("" until then)
    package_name: str
    list_price_cents: int | None  # the package's catalogue price, for staff to compare
    unit_price_cents: int | None
    line_total_cents: int | None


@dataclass(frozen=True)
class QuoteView:
    ref: str
    company_ref: str
    company_name: str
    status: str  # requested, priced, accepted, rejected, expired
    requested_by: str  # email
    wanted_by: dt.date | None
    note: str
    currency: str
    total_cents: int | None
    valid_until: dt.datetime | None
    revision: int
    priced_by: str
    priced_at: dt.datetime | None
    decided_at: dt.datetime | None
    order_ref: str | None
    created_at: dt.datetime
    lines: tuple[QuoteLineView, ...]


@dataclass(frozen=True)
class QuoteSummary:
    ref: str
    company_name: str
    status: str
    lines: int
    quantity: int
    currency: str
    total_cents: int | None
    wanted_by: dt.date | None
    valid_until: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True)
class QuotePage:
    rows: tuple[QuoteSummary, ...]
    total: int


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _status(status: str, valid_until: dt.datetime | None, now: dt.datetime) -> str:
    if status == QuoteStatus.PRICED and valid_until is not None and valid_until <= now:
        return QuoteStatus.EXPIRED.value
    return status


def effective_status(quote: EnterpriseQuote, now: dt.datetime) -> str:
    """The status as the company should see it now (a priced quote past its validity is expired)."""
    return _status(quote.status, quote.valid_until, now)


def find(s: Session, quote_ref: str, *, company_id: int | None, lock: bool = False) -> EnterpriseQuote:
    """The quote `quote_ref` (of `company_id` unless None, for staff); `QuoteNotFound` otherwise."""
    query = select(EnterpriseQuote).where(col(EnterpriseQuote.display_id) == str(quote_ref)[:MAX_REF])
    if company_id is not None:
        query = query.where(col(EnterpriseQuote.enterprise_account_id) == company_id)
    quote = s.exec(query.with_for_update() if lock else query).first()
    if quote is None:
        raise QuoteNotFound(f"no quote {str(quote_ref)[:MAX_REF]!r}")
    return quote


def _need(line: EnterpriseQuoteLine) -> str:
    data = "Unlimited data" if line.data_gb is None else format_data_size(line.data_gb * 1024)
    return f"{', '.join(line.countries)} · {data} · {line.days} days"


def _line(line: EnterpriseQuoteLine, package: Package | None) -> QuoteLineView:
    total = line.unit_price_cents * line.quantity if line.unit_price_cents is not None else None
    description = _need(line) if line.is_custom else (package.name if package else "")
    return QuoteLineView(
        id=line.id, number=line.position + 1, is_custom=line.is_custom, description=description,  # type: ignore[arg-type]
        countries=tuple(line.countries), data_gb=line.data_gb, days=line.days, quantity=line.quantity,
        package_slug=package.slug if package else "", package_name=package.name if package else "",
        list_price_cents=package.price_cents if package else None, unit_price_cents=line.unit_price_cents,
        line_total_cents=total)


def lines_of(s: Session, quote_id: int) -> list[tuple[EnterpriseQuoteLine, Package | None]]:
    return list(s.exec(select(EnterpriseQuoteLine, Package)
                       .outerjoin(Package, col(Package.id) == EnterpriseQuoteLine.package_id)
                       .where(col(EnterpriseQuoteLine.quote_id) == quote_id)
                       .order_by(col(EnterpriseQuoteLine.position))).all())


def build(s: Session, quote: EnterpriseQuote, *, now: dt.datetime) -> QuoteView:
    company = s.get(EnterpriseAccount, quote.enterprise_account_id)
    requester = s.get(EnterpriseUser, quote.requested_by_user_id) if quote.requested_by_user_id else None
    pricer = s.get(Admin, quote.priced_by_admin_id) if quote.priced_by_admin_id else None
    return QuoteView(
        ref=quote.display_id or "", company_ref=company.display_id or "" if company else "",
        company_name=company.company_name if company else "", status=effective_status(quote, now),
        requested_by=requester.email if requester else "", wanted_by=quote.wanted_by, note=quote.note,
        currency=quote.currency, total_cents=quote.total_cents, valid_until=quote.valid_until,
        revision=quote.revision, priced_by=(pricer.name or pricer.email) if pricer else "",
        priced_at=quote.priced_at, decided_at=quote.decided_at, order_ref=quote.bulk_order_ref,
        created_at=quote.created_at or now, lines=tuple(_line(line, p) for line, p in lines_of(s, quote.id)))  # type: ignore[arg-type]


def _status_filter(status: str | None, now: dt.datetime):
    """Rows whose status reads as `status` now (priced and expired depend on the validity)."""
    column, valid = col(EnterpriseQuote.status), col(EnterpriseQuote.valid_until)
    if status == QuoteStatus.PRICED:
        return sa.and_(column == status, sa.or_(valid.is_(None), valid > now))
    if status == QuoteStatus.EXPIRED:
        return sa.or_(column == status, sa.and_(column == QuoteStatus.PRICED, valid <= now))
    return column == status if status else sa.true()


def list_page(*, company_id: int | None, status: str | None, page: int, page_size: int) -> QuotePage:
    """A page of quotes, newest first (one company's, or every company's for staff)."""
    now, page_size = utcnow(), max(1, min(page_size, 100))
    where = [_status_filter(status, now)]
    if company_id is not None:
        where.append(col(EnterpriseQuote.enterprise_account_id) == company_id)
    counts = (select(EnterpriseQuoteLine.quote_id, sa.func.count().label("lines"),
                     sa.func.sum(EnterpriseQuoteLine.quantity).label("quantity"))
              .group_by(col(EnterpriseQuoteLine.quote_id)).subquery())
    with db.session() as s:
        total = s.exec(select(sa.func.count()).select_from(EnterpriseQuote).where(*where)).one()
        rows = s.exec(
            select(EnterpriseQuote, EnterpriseAccount.company_name, counts.c.lines, counts.c.quantity)
            .join(EnterpriseAccount, col(EnterpriseAccount.id) == EnterpriseQuote.enterprise_account_id)
            .outerjoin(counts, counts.c.quote_id == EnterpriseQuote.id).where(*where)
            .order_by(col(EnterpriseQuote.created_at).desc(), col(EnterpriseQuote.id).desc())
            .offset(max(0, page) * page_size).limit(page_size)).all()
    return QuotePage(tuple(
        QuoteSummary(ref=q.display_id or "", company_name=name, status=effective_status(q, now), lines=lines or 0,
                     quantity=int(quantity or 0), currency=q.currency, total_cents=q.total_cents,
                     wanted_by=q.wanted_by, valid_until=q.valid_until, created_at=q.created_at or now)
        for q, name, lines, quantity in rows), total)


def package_options(query: str = "", *, limit: int = 200) -> list[tuple[str, str]]:
    """(slug, label) of the best enabled offers, by destination then price; `query` filters by
    destination name or code."""
    where = [col(Package.is_enabled).is_(True), col(Package.is_topup).is_(False), col(Package.vanished_at).is_(None),
             col(Package.is_best_price).is_(True)]
    text = query.strip()[:60]
    if text:
        where.append(sa.or_(col(Package.destination_name).ilike(f"%{_escape(text)}%", escape="\\"),
                            col(Package.destination_code) == text.upper()))
    with db.session() as s:
        packages = s.exec(select(Package).where(*where)
                          .order_by(col(Package.destination_name), col(Package.price_cents), col(Package.id))
                          .limit(limit)).all()
    return [(p.slug, f"{p.name} · {format_money(p.price_cents, p.currency)}") for p in packages]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def waiting_count(s: Session, company_id: int) -> int:
    """Priced quotes of the company still valid: waiting for its answer (the overview's "quotes waiting")."""
    return int(s.exec(select(sa.func.count()).select_from(EnterpriseQuote).where(
        col(EnterpriseQuote.enterprise_account_id) == company_id,
        _status_filter(QuoteStatus.PRICED.value, utcnow()))).one())
