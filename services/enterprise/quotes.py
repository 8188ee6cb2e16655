"""Quotes, the company's side: request one, read them, accept or reject a priced one.

Every function takes the caller's `Identity`: the company is its `org_id` (from the session), never
an argument the page chose. Any company user reads the company's quotes; admins and operations
request, accept and reject. Accepting places the bulk order at the quoted prices exactly once: the
quote row is locked, its status moves from priced to accepted in the same transaction as the order,
so a double click or a second browser gets the same accepted quote back, never a second order.
Staff pricing is in `quote_pricing`; the reads shared with it are in `quote_views`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.core import db
from services.core.destinations import get_destination
from services.core.models import (
    BulkPayment,
    CompanyRole,
    EnterpriseAccount,
    EnterpriseQuote,
    EnterpriseQuoteLine,
    Package,
    QuoteStatus,
    Role,
)
from services.enterprise import bulk, quote_views
from services.enterprise.audit import record
from services.enterprise.errors import (
    InvalidQuoteLine,
    InvalidWantedBy,
    NotAllowed,
    QuoteChanged,
    QuoteExpired,
    QuoteNoteTooLong,
    QuoteNotFound,
    QuoteNotOpen,
    QuoteTooLarge,
    QuoteWithoutLines,
    RoleNotAllowed,
    TooManyQuoteLines,
)
from services.enterprise.quote_views import QuotePage, QuoteView, effective_status, utcnow

MAX_LINES = 20
MAX_QUANTITY = bulk.MAX_QUANTITY  # per line, and in all: what one bulk order can hold
MAX_NOTE = 2000
MAX_COUNTRIES = 60
MAX_DATA_GB = 1000
MAX_DAYS = 365
DECIDERS = (CompanyRole.ADMIN.value, CompanyRole.OPERATIONS.value)  # request, accept, reject
PLAN_OPTIONS_LIMIT = 200


@dataclass(frozen=True)
class LineRequest:
    """One line of a request: a catalogue plan (`plan_slug`), or a need (`countries`, `data_gb`, `days`)."""

    quantity: int
    plan_slug: str = ""
    countries: tuple[str, ...] = ()  # ISO codes or country names
    data_gb: int | None = None  # None: unlimited
    days: int | None = None


@dataclass(frozen=True)
class PlanOption:
    slug: str
    label: str


def company_of(identity: Identity) -> int:
    """The caller's company (any company role), else `NotAllowed`."""
    if identity.role != Role.ENTERPRISE or identity.org_id is None:
        raise NotAllowed("not a company user")
    return identity.org_id


def _decider(identity: Identity) -> int:
    company_id = company_of(identity)
    if not set(DECIDERS) & set(identity.roles):
        raise RoleNotAllowed("only company admins and operations request and decide quotes")
    return company_id


def _countries(raw: tuple[str, ...], line: int) -> list[str]:
    codes: list[str] = []
    for name in raw:
        if not name.strip():
            continue
        found = get_destination(name)
        if found is None or len(found.code) != 2:
            raise InvalidQuoteLine(f"line {line}: unknown country {name[:40]!r}", line=line, max_quantity=MAX_QUANTITY)
        if found.code not in codes:
            codes.append(found.code)
    return codes


def _line_row(s: Session, request: LineRequest, position: int) -> EnterpriseQuoteLine:
    line = position + 1
    invalid = InvalidQuoteLine(f"line {line} is not valid", line=line, max_quantity=MAX_QUANTITY)
    if not isinstance(request.quantity, int) or not 0 < request.quantity <= MAX_QUANTITY:
        raise invalid
    if request.plan_slug:
        package = s.exec(select(Package).where(col(Package.slug) == request.plan_slug[:120])
                         .where(col(Package.is_enabled).is_(True), col(Package.is_topup).is_(False))
                         .where(col(Package.vanished_at).is_(None))).first()
        if package is None:
            raise invalid
        return EnterpriseQuoteLine(quote_id=0, position=position, package_id=package.id, quantity=request.quantity)
    countries = _countries(request.countries[:MAX_COUNTRIES], line)
    data_ok = request.data_gb is None or 0 < request.data_gb <= MAX_DATA_GB
    if not countries or not data_ok or request.days is None or not 0 < request.days <= MAX_DAYS:
        raise invalid
    return EnterpriseQuoteLine(quote_id=0, position=position, is_custom=True, countries=countries,
                               data_gb=request.data_gb, days=request.days, quantity=request.quantity)


def _check_request(lines: list[LineRequest], wanted_by: dt.date | None, note: str, today: dt.date) -> None:
    if not lines:
        raise QuoteWithoutLines("a quote needs a line")
    if len(lines) > MAX_LINES:
        raise TooManyQuoteLines(f"{len(lines)} lines", max_lines=MAX_LINES)
    if sum(line.quantity for line in lines if isinstance(line.quantity, int)) > MAX_QUANTITY:
        raise QuoteTooLarge("too many eSIMs for one order", max_esims=MAX_QUANTITY)
    if wanted_by is not None and not today <= wanted_by <= today + dt.timedelta(days=366):
        raise InvalidWantedBy(f"wanted by {wanted_by}")
    if len(note) > MAX_NOTE:
        raise QuoteNoteTooLong("note too long", max_chars=MAX_NOTE)


def request_quote(identity: Identity, lines: list[LineRequest], *, wanted_by: dt.date | None, note: str,
                  ip: str | None) -> QuoteView:
    """A new quote in status requested, for staff to price; in the company's audit log."""
    company_id, now = _decider(identity), utcnow()
    note = note.strip()
    _check_request(lines, wanted_by, note, now.date())
    with db.session() as s, s.begin():
        company = s.get(EnterpriseAccount, company_id)
        if company is None or company.status != "active":
            raise NotAllowed("the company is not active")
        rows = [_line_row(s, line, i) for i, line in enumerate(lines)]
        quote = EnterpriseQuote(enterprise_account_id=company_id, requested_by_user_id=identity.principal_id,
                                wanted_by=wanted_by, note=note, currency=company.currency)
        s.add(quote)
        s.flush()
        for row in rows:
            row.quote_id = quote.id  # type: ignore[assignment]
        s.add_all(rows)
        s.flush()
        s.refresh(quote)
        record(s, company_id, actor_id=identity.principal_id, action="quote_requested", entity_type="quote",
               entity_id=quote.display_id or "", ip=ip,
               details={"lines": len(rows), "quantity": sum(r.quantity for r in rows),
                        "wanted_by": wanted_by.isoformat() if wanted_by else None})
        return quote_views.build(s, quote, now=now)


def list_quotes(identity: Identity, *, page: int = 0, page_size: int = 25) -> QuotePage:
    """The company's quotes, newest first (any company role)."""
    return quote_views.list_page(company_id=company_of(identity), status=None, page=page, page_size=page_size)


def get_quote(identity: Identity, quote_ref: str) -> QuoteView:
    """One of the company's quotes (any company role); `QuoteNotFound` for another company's."""
    company_id = company_of(identity)
    with db.session() as s:
        quote = quote_views.find(s, quote_ref, company_id=company_id)
        return quote_views.build(s, quote, now=utcnow())


def _open_for_decision(s: Session, company_id: int, quote_ref: str, revision: int,
                       now: dt.datetime) -> tuple[EnterpriseQuote, bool]:
    """The quote, locked; (quote, True) when accepting/rejecting it now is a repeat of what was done."""
    quote = quote_views.find(s, quote_ref, company_id=company_id, lock=True)
    status = effective_status(quote, now)
    if status in (QuoteStatus.ACCEPTED, QuoteStatus.REJECTED) and quote.revision == revision:
        return quote, True
    if status == QuoteStatus.EXPIRED:
        day = quote.valid_until.date().isoformat() if quote.valid_until else ""
        raise QuoteExpired(f"quote {quote_ref} expired", date=day)
    if status != QuoteStatus.PRICED:
        raise QuoteNotOpen(f"quote {quote_ref} is {status}", status=status)
    if quote.revision != revision:
        raise QuoteChanged(f"quote {quote_ref} is at revision {quote.revision}, the page saw {revision}")
    return quote, False


def place_order_for(s: Session, quote: EnterpriseQuote, identity: Identity, now: dt.datetime) -> str:
    """The bulk order at the quoted prices, in the acceptance's transaction; its reference.

    It waits for its payment (the order page offers "on account" within the credit limit, or card), so
    accepting moves no money by itself; `place_bulk_order` finds an order this quote already has.
    """
    lines = s.exec(select(EnterpriseQuoteLine).where(col(EnterpriseQuoteLine.quote_id) == quote.id)
                   .order_by(col(EnterpriseQuoteLine.position))).all()
    order = bulk.place_bulk_order(
        s, quote.enterprise_account_id, identity.principal_id,
        [bulk.BulkLine(line.package_id, line.quantity, line.unit_price_cents) for line in lines],  # type: ignore[arg-type]
        payment=BulkPayment.CARD, key=f"quote-{quote.display_id}", quote_id=quote.id)
    return order.display_id or ""


def accept_quote(identity: Identity, quote_ref: str, *, revision: int, ip: str | None) -> QuoteView:
    """Accept the priced quote the caller saw (`revision`) and place its bulk order, once."""
    company_id, now = _decider(identity), utcnow()
    with db.session() as s, s.begin():
        quote, repeated = _open_for_decision(s, company_id, quote_ref, revision, now)
        if repeated and quote.status == QuoteStatus.ACCEPTED:
            return quote_views.build(s, quote, now=now)
        if repeated:
            raise QuoteNotOpen(f"quote {quote_ref} was rejected", status=quote.status)
        quote.bulk_order_ref = place_order_for(s, quote, identity, now)
        quote.status, quote.decided_by_user_id, quote.decided_at = QuoteStatus.ACCEPTED, identity.principal_id, now
        record(s, company_id, actor_id=identity.principal_id, action="quote_accepted", entity_type="quote",
               entity_id=quote_ref, ip=ip, details={"total_cents": quote.total_cents, "currency": quote.currency,
                                                    "revision": revision, "order": quote.bulk_order_ref})
        s.flush()
        return quote_views.build(s, quote, now=now)


def reject_quote(identity: Identity, quote_ref: str, *, revision: int, ip: str | None) -> QuoteView:
    """Decline the priced quote; nothing is ordered."""
    company_id, now = _decider(identity), utcnow()
    with db.session() as s, s.begin():
        quote, repeated = _open_for_decision(s, company_id, quote_ref, revision, now)
        if repeated and quote.status == QuoteStatus.REJECTED:
            return quote_views.build(s, quote, now=now)
        if repeated:
            raise QuoteNotOpen(f"quote {quote_ref} was accepted", status=quote.status)
        quote.status, quote.decided_by_user_id, quote.decided_at = QuoteStatus.REJECTED, identity.principal_id, now
        record(s, company_id, actor_id=identity.principal_id, action="quote_rejected", entity_type="quote",
               entity_id=quote_ref, ip=ip, details={"total_cents": quote.total_cents, "revision": revision})
        s.flush()
        return quote_views.build(s, quote, now=now)


def plan_options(identity: Identity, query: str = "") -> list[PlanOption]:
    """Catalogue plans a company can ask a quote for (best offers; filtered by destination name or code)."""
    company_of(identity)
    return [PlanOption(slug, label) for slug, label in quote_views.package_options(query)]
