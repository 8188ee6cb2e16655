"""Quotes, the staff side: the queue, pricing and sending a quote, and expiring old ones.

Every staff function takes the staff `Identity` the session resolved to and checks the staff role
itself: any staff member reads; owners, operations and finance price and send. Pricing gives each
line a unit price and maps each free-text need to a catalogue package (so an accepted quote can be
provisioned); sending moves the quote to priced, bumps its revision, emails the company and is
written to the staff audit log with the prices before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select

from services.accounts.sessions import Identity
from services.accounts.staff_access import EVERY_ROLE, record, require
from services.core import db
from services.core.models import (
    AuditLog,
    EnterpriseAccount,
    EnterpriseQuote,
    EnterpriseQuoteLine,
    EnterpriseUser,
    Package,
    QuoteStatus,
    StaffRole,
)
from services.core.money import format_money
from services.core.settings import get_settings
from services.enterprise import quote_views
from services.enterprise.errors import (
    InvalidLinePrice,
    InvalidValidity,
    LinePackageMissing,
    QuoteNotOpen,
)
from services.enterprise.quote_views import QuotePage, QuoteView, effective_status, utcnow
from services.notifications.outbox import enqueue_email

PRICERS = (StaffRole.OPERATIONS.value, StaffRole.FINANCE.value)  # owners hold every staff role
MAX_VALID_DAYS = 90
MAX_UNIT_PRICE_CENTS = 100_000_000


@dataclass(frozen=True)
class LinePrice:
    """Staff's answer for one line: a unit price, and for a free-text need the package that meets it."""

    unit_price_cents: int | None
    package_slug: str = ""


def staff_of(identity: Identity, roles: tuple[str, ...] = ()) -> int:
    """The staff id of the caller if they hold one of `roles` (any staff role if empty), else `NotPermitted`."""
    return require(identity, roles or EVERY_ROLE).principal_id


def quote_queue(identity: Identity, *, status: str | None, page: int = 0, page_size: int = 25) -> QuotePage:
    """Every company's quotes, newest first, optionally of one status (any staff role)."""
    staff_of(identity)
    wanted = status if status in {s.value for s in QuoteStatus} else None
    return quote_views.list_page(company_id=None, status=wanted, page=page, page_size=page_size)


def quote_for_staff(identity: Identity, quote_ref: str) -> QuoteView:
    staff_of(identity)
    with db.session() as s:
        return quote_views.build(s, quote_views.find(s, quote_ref, company_id=None), now=utcnow())


def _validity(valid_until: dt.date, now: dt.datetime) -> dt.datetime:
    """The end of `valid_until` (UTC), between today and `MAX_VALID_DAYS` ahead."""
    if not now.date() <= valid_until <= now.date() + dt.timedelta(days=MAX_VALID_DAYS):
        raise InvalidValidity(f"valid until {valid_until}", max_days=MAX_VALID_DAYS)
    return dt.datetime.combine(valid_until, dt.time(23, 59, 59), tzinfo=dt.UTC)


def _priced_line(line: EnterpriseQuoteLine, price: LinePrice | None, packages: Mapping[str, int]) -> dict:
    number = line.position + 1
    cents = price.unit_price_cents if price else None
    if cents is None or not isinstance(cents, int) or not 0 <= cents <= MAX_UNIT_PRICE_CENTS:
        raise InvalidLinePrice(f"line {number}: no valid price", line=number)
    package_id = line.package_id
    if line.is_custom:
        package_id = packages.get(price.package_slug) if price and price.package_slug else None  # type: ignore[union-attr]
        if package_id is None:
            raise LinePackageMissing(f"line {number}: no package for the need", line=number)
    return {"unit_price_cents": cents, "package_id": package_id}


def _sellable(s, slugs: set[str]) -> dict[str, int]:
    if not slugs:
        return {}
    rows = s.exec(select(Package.slug, Package.id).where(col(Package.slug).in_(slugs))
                  .where(col(Package.is_enabled).is_(True), col(Package.is_topup).is_(False))
                  .where(col(Package.vanished_at).is_(None))).all()
    return dict(rows)


def _prices(lines: list[EnterpriseQuoteLine]) -> dict[str, object]:
    return {str(line.position + 1): line.unit_price_cents for line in lines}


def send_quote(identity: Identity, quote_ref: str, *, prices: Mapping[int, LinePrice], valid_until: dt.date,
               ip: str | None) -> QuoteView:
    """Price every line (`prices` by line id), set the validity and send the quote to the company.

    A requested, priced or expired quote can be (re)sent; an accepted or rejected one cannot.
    """
    admin_id, now = staff_of(identity, PRICERS), utcnow()
    until = _validity(valid_until, now)
    with db.session() as s, s.begin():
        quote = quote_views.find(s, quote_ref, company_id=None, lock=True)
        if quote.status in (QuoteStatus.ACCEPTED, QuoteStatus.REJECTED):
            raise QuoteNotOpen(f"quote {quote_ref} is {quote.status}", status=quote.status)
        lines = list(s.exec(select(EnterpriseQuoteLine).where(col(EnterpriseQuoteLine.quote_id) == quote.id)
                            .order_by(col(EnterpriseQuoteLine.position))).all())
        packages = _sellable(s, {p.package_slug[:120] for p in prices.values() if p.package_slug})
        answers = [_priced_line(line, prices.get(line.id), packages) for line in lines]  # type: ignore[arg-type]
        before = {"status": effective_status(quote, now), "total_cents": quote.total_cents,
                  "valid_until": quote.valid_until.isoformat() if quote.valid_until else None,
                  "unit_prices": _prices(lines)}
        for line, answer in zip(lines, answers, strict=True):
            line.unit_price_cents, line.package_id = answer["unit_price_cents"], answer["package_id"]
        quote.total_cents = sum(line.unit_price_cents * line.quantity for line in lines)  # type: ignore[operator]
        quote.status, quote.valid_until, quote.revision = QuoteStatus.PRICED, until, quote.revision + 1
        quote.priced_by_admin_id, quote.priced_at = admin_id, now
        record(s, admin_id, "quote_sent", entity="quote", entity_id=quote_ref, ip=ip, before=before,
               after={"status": QuoteStatus.PRICED.value, "total_cents": quote.total_cents,
                      "valid_until": until.isoformat(), "unit_prices": _prices(lines), "revision": quote.revision},
               company_id=quote.enterprise_account_id)
        _email_company(s, quote, until)
        s.flush()
        return quote_views.build(s, quote, now=now)


def _email_company(s, quote: EnterpriseQuote, until: dt.datetime) -> None:
    """Tell the requester (or, if they are gone, the company's contact) the quote is priced."""
    company = s.get(EnterpriseAccount, quote.enterprise_account_id)
    requester = s.get(EnterpriseUser, quote.requested_by_user_id) if quote.requested_by_user_id else None
    to = requester.email if requester is not None and requester.is_active else company.contact_email
    link = f"{get_settings().public_url.rstrip('/')}/business/quotes/{quote.display_id}"
    enqueue_email(s, to=to, template="quote_priced", context={
        "company_name": company.company_name, "quote_ref": quote.display_id, "link": link,
        "total": format_money(quote.total_cents or 0, quote.currency), "valid_until": until.strftime("%d %B %Y")})


def expire_quotes(now: dt.datetime | None = None) -> int:
    """Mark priced quotes past their validity expired, each in its company's log; returns how many.
    A guarded UPDATE, so two schedulers expire each quote once."""
    now = now or utcnow()
    with db.session() as s, s.begin():
        expired = s.exec(
            sa.update(EnterpriseQuote)
            .where(col(EnterpriseQuote.status) == QuoteStatus.PRICED, col(EnterpriseQuote.valid_until) <= now)
            .values(status=QuoteStatus.EXPIRED)
            .returning(EnterpriseQuote.display_id, EnterpriseQuote.enterprise_account_id, EnterpriseQuote.valid_until)
        ).all()
        s.add_all(AuditLog(actor_type="system", actor_id=None, action="quote_expired", entity_type="quote",
                           entity_id=ref, details={"valid_until": until.isoformat()}, enterprise_account_id=company)
                  for ref, company, until in expired)
    return len(expired)


def package_options(identity: Identity, query: str = "") -> list[tuple[str, str]]:
    """Catalogue packages staff can map a free-text need to (any staff role)."""
    staff_of(identity)
    return quote_views.package_options(query)
