"""The company's overview and billing: spend, credit, eSIM counts, the ledger and monthly statements.

A statement is one calendar month (UTC) of the ledger: the balance brought forward, the month's
charges, payments and credit notes, and the balance carried forward. The overview reads any role
of the company; billing (ledger and statements) is for company admins and finance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import (
    BulkOrder,
    BulkOrderStatus,
    EnterpriseAccount,
    Esim,
    LedgerEntry,
    LedgerKind,
)
from services.core.money import format_money
from services.enterprise import inventory, ledger, quote_views
from services.enterprise.errors import InvalidAmount
from services.enterprise.purchasing import BILLING_ROLES, company_of

LEDGER_ROWS = 100
STATEMENT_MONTHS = 24
KIND_WORDS = {LedgerKind.CHARGE: "Charge", LedgerKind.PAYMENT: "Payment", LedgerKind.CREDIT_NOTE: "Credit note"}


@dataclass(frozen=True, slots=True)
class EsimCounts:
    """The overview's figures; the counts are the inventory's derived statuses (`inventory.STATUSES`)."""

    in_stock: int
    assigned: int
    active: int
    data_used_mb: int


@dataclass(frozen=True, slots=True)
class Overview:
    company_name: str
    spend_this_month: str
    spend_last_month: str
    credit_limit: str
    credit_used: str
    credit_available: str
    esims: EsimCounts
    orders_in_progress: int
    quotes_waiting: int | None  # priced quotes waiting for the company's answer


@dataclass(frozen=True, slots=True)
class EntryView:
    id: int
    date: str
    kind: str  # words
    amount: str  # signed: charges positive, payments and credit notes negative
    note: str
    order_ref: str


@dataclass(frozen=True, slots=True)
class StatementView:
    month: str  # YYYY-MM
    opening: str
    charges: str
    payments: str  # payments and credit notes
    closing: str
    entries: tuple[EntryView, ...] = ()


@dataclass(frozen=True, slots=True)
class Billing:
    company_name: str
    credit_limit: str
    credit_used: str
    credit_available: str
    used_percent: int
    entries: tuple[EntryView, ...]
    statements: tuple[StatementView, ...]


def _month_start(moment: dt.datetime, back: int = 0) -> dt.datetime:
    year, month = moment.year, moment.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return dt.datetime(year, month, 1, tzinfo=dt.UTC)


def _spend(s: Session, company_id: int, start: dt.datetime, end: dt.datetime) -> int:
    total = s.exec(select(sa.func.coalesce(sa.func.sum(BulkOrder.total_cents), 0)).where(
        col(BulkOrder.enterprise_account_id) == company_id, col(BulkOrder.paid_at) >= start,
        col(BulkOrder.paid_at) < end, col(BulkOrder.status) != BulkOrderStatus.CANCELLED)).one()
    return int(total)


def _esim_figures(s: Session, company_id: int, now: dt.datetime) -> EsimCounts:
    """The overview's eSIM figures: the inventory's status counts (the one source of them, so the
    overview and the /business/esims chips agree) and the data used by all the company's eSIMs."""
    counts = inventory.status_counts(s, company_id, now)
    used = s.exec(select(sa.func.coalesce(sa.func.sum(Esim.used_mb), 0))
                  .where(col(Esim.enterprise_account_id) == company_id)).one()
    return EsimCounts(in_stock=counts["in_stock"], assigned=counts["assigned"], active=counts["active"],
                      data_used_mb=int(used))


def quotes_waiting(s: Session, company_id: int) -> int | None:
    """Quotes priced and waiting for the company's answer (still valid)."""
    return quote_views.waiting_count(s, company_id)


def overview(identity: Identity, *, now: dt.datetime | None = None) -> Overview:
    company_id, now = company_of(identity), now or dt.datetime.now(dt.UTC)
    with db.session() as s:
        company = s.get(EnterpriseAccount, company_id)
        state = ledger.credit(s, company)  # type: ignore[arg-type]
        this_month, last_month = _month_start(now), _month_start(now, 1)
        in_progress = s.exec(select(sa.func.count()).select_from(BulkOrder).where(
            col(BulkOrder.enterprise_account_id) == company_id,
            col(BulkOrder.status).in_([BulkOrderStatus.PENDING, BulkOrderStatus.PROVISIONING]))).one()
        money = lambda cents: format_money(cents, state.currency)  # noqa: E731
        return Overview(company.company_name, money(_spend(s, company_id, this_month, now + dt.timedelta(days=1))),  # type: ignore[union-attr]
                        money(_spend(s, company_id, last_month, this_month)), money(state.limit_cents),
                        money(state.outstanding_cents), money(state.available_cents), _esim_figures(s, company_id, now),
                        int(in_progress), quotes_waiting(s, company_id))


def entry_view(entry: LedgerEntry, order_ref: str | None) -> EntryView:
    sign = 1 if entry.kind == LedgerKind.CHARGE else -1
    return EntryView(entry.id, entry.created_at.date().isoformat() if entry.created_at else "",  # type: ignore[arg-type]
                     KIND_WORDS.get(LedgerKind(entry.kind), entry.kind),
                     format_money(sign * entry.amount_cents, entry.currency), entry.note, order_ref or "")


def ledger_entries(s: Session, company_id: int, *, start: dt.datetime | None = None,
                   end: dt.datetime | None = None, limit: int = LEDGER_ROWS) -> tuple[EntryView, ...]:
    query = (select(LedgerEntry, BulkOrder.display_id)
             .outerjoin(BulkOrder, col(BulkOrder.id) == col(LedgerEntry.bulk_order_id))
             .where(col(LedgerEntry.enterprise_account_id) == company_id))
    if start is not None:
        query = query.where(col(LedgerEntry.created_at) >= start)
    if end is not None:
        query = query.where(col(LedgerEntry.created_at) < end)
    rows = s.exec(query.order_by(col(LedgerEntry.created_at).desc(), col(LedgerEntry.id).desc()).limit(limit)).all()
    return tuple(entry_view(entry, ref) for entry, ref in rows)


def _statements(s: Session, company_id: int, currency: str) -> tuple[StatementView, ...]:
    """Month by month, newest first, from the ledger's first month (at most `STATEMENT_MONTHS`)."""
    month = sa.func.date_trunc("month", sa.func.timezone("UTC", col(LedgerEntry.created_at)))
    charge = sa.case((col(LedgerEntry.kind) == LedgerKind.CHARGE, col(LedgerEntry.amount_cents)), else_=0)
    lowers = sa.case((col(LedgerEntry.kind) != LedgerKind.CHARGE, col(LedgerEntry.amount_cents)), else_=0)
    rows = s.exec(select(month, sa.func.sum(charge), sa.func.sum(lowers))
                  .where(col(LedgerEntry.enterprise_account_id) == company_id).group_by(month).order_by(month)).all()
    balance, out = 0, []
    for start, charges, payments in rows:
        opening, balance = balance, balance + int(charges) - int(payments)
        out.append(StatementView(start.strftime("%Y-%m"), format_money(opening, currency),
                                 format_money(int(charges), currency), format_money(-int(payments), currency),
                                 format_money(balance, currency)))
    return tuple(reversed(out))[:STATEMENT_MONTHS]


def billing(identity: Identity) -> Billing:
    company_id = company_of(identity, BILLING_ROLES)
    with db.session() as s:
        company = s.get(EnterpriseAccount, company_id)
        state = ledger.credit(s, company)  # type: ignore[arg-type]
        percent = state.outstanding_cents * 100 // state.limit_cents if state.limit_cents else 0
        return Billing(company.company_name, format_money(state.limit_cents, state.currency),  # type: ignore[union-attr]
                       format_money(state.outstanding_cents, state.currency),
                       format_money(state.available_cents, state.currency), min(100, max(0, percent)),
                       ledger_entries(s, company_id), _statements(s, company_id, state.currency))


def statement(identity: Identity, month: str) -> StatementView:
    """One month's statement with its entries (printable); `InvalidAmount` for a month not like 2026-11."""
    company_id = company_of(identity, BILLING_ROLES)
    try:
        start = dt.datetime.strptime(month[:7], "%Y-%m").replace(tzinfo=dt.UTC)
    except ValueError:
        raise InvalidAmount(f"bad month {month!r}") from None
    end = _month_start(start + dt.timedelta(days=32))
    with db.session() as s:
        company = s.get(EnterpriseAccount, company_id)
        found = next((st for st in _statements(s, company_id, company.currency) if st.month == month[:7]), None)  # type: ignore[union-attr]
        entries = tuple(reversed(ledger_entries(s, company_id, start=start, end=end, limit=10_000)))
    zero = format_money(0, company.currency)  # type: ignore[union-attr]
    base = found or StatementView(month[:7], zero, zero, zero, zero)
    return StatementView(base.month, base.opening, base.charges, base.payments, base.closing, entries)
