"""Enterprise overview (`/business`), billing (`/business/billing`) and one printable statement.

Every handler resolves the caller and passes the identity to one service call; the overview is for
every role of the company, billing for company admins and finance (checked again by the service).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import EnterpriseState
from services import enterprise
from services.core import ServiceError

BILLING_ROLES = ("admin", "finance")


@dataclass
class EntryRow:
    date: str
    kind: str
    amount: str
    note: str
    order_ref: str


@dataclass
class StatementRow:
    month: str
    opening: str
    charges: str
    payments: str
    closing: str


def _entry(e: enterprise.EntryView) -> EntryRow:
    return EntryRow(e.date, e.kind, e.amount, e.note, e.order_ref)


def _statement(s: enterprise.StatementView) -> StatementRow:
    return StatementRow(s.month, s.opening, s.charges, s.payments, s.closing)


class OverviewState(EnterpriseState):
    """`/business`: spend, credit, eSIMs and orders at a glance (every role)."""

    company: str = ""
    spend_this_month: str = ""
    spend_last_month: str = ""
    credit_available: str = ""
    credit_used: str = ""
    credit_limit: str = ""
    in_stock: int = 0
    assigned: int = 0
    active: int = 0
    data_used: str = ""
    orders_in_progress: int = 0
    quotes_waiting: str = ""  # "" until quotes exist
    loaded: bool = False
    error: str = ""

    @rx.event
    async def load(self):
        identity, redirect = await self._require("enterprise")
        if redirect:
            self.loaded, self.company = False, ""
            return redirect
        try:
            view = await enterprise.get_overview(identity)
        except ServiceError as exc:
            self.error, self.loaded = message_for(exc), False
            return None
        self.company, self.spend_this_month, self.spend_last_month = (view.company_name, view.spend_this_month,
                                                                      view.spend_last_month)
        self.credit_available, self.credit_used, self.credit_limit = (view.credit_available, view.credit_used,
                                                                      view.credit_limit)
        self.in_stock, self.assigned, self.active = view.esims.in_stock, view.esims.assigned, view.esims.active
        used = view.esims.data_used_mb
        self.data_used = f"{used / 1024:.1f} GB" if used >= 1024 else f"{used} MB"
        self.orders_in_progress = view.orders_in_progress
        self.quotes_waiting = "" if view.quotes_waiting is None else str(view.quotes_waiting)
        self.loaded, self.error = True, ""
        return None


class BillingState(EnterpriseState):
    """`/business/billing`: credit used and available, the ledger, monthly statements (admin, finance)."""

    credit_limit: str = ""
    credit_used: str = ""
    credit_available: str = ""
    used_percent: int = 0
    entries: list[EntryRow] = []
    statements: list[StatementRow] = []
    loaded: bool = False
    error: str = ""

    @rx.event
    async def load(self):
        identity, redirect = await self._require("enterprise", BILLING_ROLES)
        if redirect:
            self.entries, self.statements, self.loaded = [], [], False
            return redirect
        try:
            view = await enterprise.get_billing(identity)
        except ServiceError as exc:
            self.error, self.loaded = message_for(exc), False
            return None
        self.credit_limit, self.credit_used, self.credit_available = (view.credit_limit, view.credit_used,
                                                                      view.credit_available)
        self.used_percent = view.used_percent
        self.entries = [_entry(e) for e in view.entries]
        self.statements = [_statement(s) for s in view.statements]
        self.loaded, self.error = True, ""
        return None


class StatementState(EnterpriseState):
    """`/business/billing/[statement_month]`: one month's statement, for printing (admin, finance)."""

    company: str = ""
    statement: StatementRow | None = None
    entries: list[EntryRow] = []
    error: str = ""

    @rx.event
    async def load(self):
        identity, redirect = await self._require("enterprise", BILLING_ROLES)
        if redirect:
            self.statement, self.entries = None, []
            return redirect
        month = str(self.statement_month)[:7]  # type: ignore[attr-defined]  (route argument)
        try:
            view = await enterprise.get_statement(identity, month)
        except ServiceError as exc:
            self.statement, self.entries, self.error = None, [], message_for(exc)
            return None
        self.company, self.error = identity.display_name, ""
        self.statement = _statement(view)
        self.entries = [_entry(e) for e in view.entries]
        return None
