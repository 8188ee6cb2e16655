"""Staff's quotes: the queue with a status filter (`/admin/quotes`) and pricing one (`/admin/quotes/[quote_ref]`).

Every handler resolves the staff session and passes the identity to one `services.admin` call, which
checks the staff role again (any staff role reads; owners, operations and finance price and send).
Prices are read from the form only for the line ids this tab was shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import AdminState
from esim_app.state.quotes import PlanChoice, day, money
from services import admin
from services.core import ServiceError, amount_text, parse_money

READERS = ("owner", "operations", "finance", "support")
PRICERS = tuple(admin.QUOTE_PRICERS)
STATUSES = ("requested", "priced", "accepted", "rejected", "expired")
DEFAULT_VALIDITY = dt.timedelta(days=14)


@dataclass
class QueueRow:
    ref: str
    company: str
    status: str
    quantity: int
    total: str
    requested: str
    wanted_by: str


@dataclass
class PricingLine:
    id: int
    number: int
    description: str
    is_custom: bool
    quantity: int
    list_price: str
    unit_price: str  # what the price field starts with
    package_slug: str


class QuoteQueueState(TableState, AdminState):
    quotes: list[QueueRow] = []
    status_filter: str = "requested"
    statuses: list[str] = list(STATUSES)
    error: str = ""
    page_size: int = 25

    async def _fetch_page(self) -> int:
        identity, redirect = await self._require("admin", READERS)
        if redirect:
            self.quotes = []
            return 0
        try:
            found = await admin.quote_queue(identity, status=self.status_filter or None,  # type: ignore[arg-type]
                                            page=self.page, page_size=self.page_size)
        except ServiceError as exc:
            self.quotes, self.error = [], message_for(exc)
            return 0
        self.quotes = [QueueRow(q.ref, q.company_name, q.status, q.quantity, money(q.total_cents, q.currency),
                                day(q.created_at), day(q.wanted_by)) for q in found.rows]
        return found.total

    @rx.event
    async def load(self):
        _, redirect = await self._require("admin", READERS)
        if redirect:
            self.quotes = []
            return redirect
        self.error, self.page = "", 0
        await self._refresh()
        return None

    @rx.event
    async def set_filter(self, status: str):
        _, redirect = await self._require("admin", READERS)
        if redirect:
            self.quotes = []
            return redirect
        self.status_filter, self.page = (str(status) if str(status) in STATUSES else ""), 0
        await self._refresh()
        return None


class QuotePricingState(AdminState):
    found: bool = False
    ref: str = ""
    company: str = ""
    company_ref: str = ""
    status: str = ""
    requested_by: str = ""
    wanted_by: str = ""
    note: str = ""
    total: str = ""
    valid_until: str = ""  # yyyy-mm-dd, for the date field
    priced_by: str = ""
    lines: list[PricingLine] = []
    packages: list[PlanChoice] = []
    can_price: bool = False
    has_needs: bool = False  # free-text lines, which need a package picked
    error: str = ""
    notice: str = ""
    _currency: str = "USD"

    def _route_ref(self) -> str:
        return str(self.quote_ref)[:32]  # type: ignore[attr-defined]  (route argument)

    def _show(self, view: admin.QuoteView, roles: tuple[str, ...]) -> None:
        self._currency = view.currency
        self.found, self.ref, self.company, self.company_ref = True, view.ref, view.company_name, view.company_ref
        self.status, self.requested_by, self.wanted_by, self.note = view.status, view.requested_by, day(view.wanted_by), view.note
        self.total, self.priced_by = money(view.total_cents, view.currency), view.priced_by
        until = view.valid_until.date() if view.valid_until else dt.datetime.now(dt.UTC).date() + DEFAULT_VALIDITY
        self.valid_until = until.isoformat()
        self.lines = [PricingLine(line.id, line.number, line.description, line.is_custom, line.quantity,
                                  money(line.list_price_cents, view.currency) if line.list_price_cents else "",
                                  "" if line.unit_price_cents is None else amount_text(line.unit_price_cents, view.currency),
                                  line.package_slug) for line in view.lines]
        self.has_needs = any(line.is_custom for line in view.lines)
        self.can_price = view.status in ("requested", "priced", "expired") and bool(set(PRICERS) & set(roles))

    def _clear(self) -> None:
        self.found, self.ref, self.lines, self.note, self.requested_by, self.can_price = False, "", [], "", "", False

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", READERS)
        if redirect:
            self._clear()
            return redirect
        self.error = self.notice = ""
        try:
            self._show(await admin.get_quote(identity, self._route_ref()), identity.roles)  # type: ignore[arg-type]
            if self.has_needs:
                self.packages = [PlanChoice(s, label) for s, label in await admin.package_options(identity)]  # type: ignore[arg-type]
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)
        return None

    @rx.event
    async def search_packages(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", READERS)
        if redirect:
            return redirect
        options = await admin.package_options(identity, str(form.get("package_query", ""))[:60])  # type: ignore[arg-type]
        self.packages = [PlanChoice(s, label) for s, label in options]
        return None

    @rx.event
    async def send(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", PRICERS)
        if redirect:
            return redirect
        if not self.found:
            return None
        self.error = self.notice = ""
        prices = {line.id: admin.LinePrice(parse_money(str(form.get(f"price_{line.id}", ""))[:20], self._currency),
                                           str(form.get(f"package_{line.id}", ""))[:120])
                  for line in self.lines}
        try:
            until = dt.date.fromisoformat(str(form.get("valid_until", ""))[:10])
        except ValueError:
            until = dt.date.min  # refused by the service with its words
        try:
            view = await admin.send_quote(identity, self.ref, prices=prices, valid_until=until,  # type: ignore[arg-type]
                                          ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self._show(view, identity.roles)  # type: ignore[union-attr]
        self.notice = f"Quote {view.ref} was sent to {view.company_name}: {self.total}, valid until {day(view.valid_until)}."
        return None
