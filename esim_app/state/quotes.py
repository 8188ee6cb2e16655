"""Enterprise quotes (`/business/quotes`, `/business/quotes/[quote_ref]`): list, request, accept or reject.

Every handler resolves the caller from the session cookie and passes the identity to one service call;
the company is the session's. Any company role reads; the services let only admins and operations
request and decide (the buttons are hidden from the others, the services refuse them anyway). The
request form's lines are keyed by numbers this tab made; the form's fields are read only for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import reflex as rx

from esim_app import routes
from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import EnterpriseState
from services import accounts, enterprise
from services.core import ServiceError, format_money

DECIDERS = ("admin", "operations")
MAX_LINES = 20
MAX_FIELD = 200
MAX_NOTE = 2000


@dataclass
class QuoteRow:
    ref: str
    status: str
    lines: int
    quantity: int
    total: str
    requested: str
    wanted_by: str


@dataclass
class DraftLine:
    key: int
    custom: bool  # a free-text need rather than a catalogue plan


@dataclass
class PlanChoice:
    slug: str
    label: str


@dataclass
class LineRow:
    number: int
    description: str
    quantity: int
    unit_price: str
    line_total: str


def day(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def money(cents: int | None, currency: str) -> str:
    return format_money(cents, currency) if cents is not None else "To be priced"


def _number(text: str) -> int:
    """A whole number typed in a field; 0 (which every service refuses with the line's number) otherwise."""
    try:
        return int(str(text).strip()[:9])
    except ValueError:
        return 0


def _wanted_by(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text).strip()[:10]) if str(text).strip() else None
    except ValueError:
        return dt.date.min  # refused by the service with its own words


def _line(form: dict[str, str], line: DraftLine) -> enterprise.LineRequest:
    quantity = _number(form.get(f"quantity_{line.key}", ""))
    if not line.custom:
        return enterprise.LineRequest(quantity, plan_slug=str(form.get(f"plan_{line.key}", ""))[:MAX_FIELD])
    countries = tuple(c.strip() for c in str(form.get(f"countries_{line.key}", ""))[:MAX_FIELD].split(","))
    data = str(form.get(f"data_{line.key}", "")).strip()
    return enterprise.LineRequest(quantity, countries=countries, data_gb=_number(data) if data else None,
                                  days=_number(form.get(f"days_{line.key}", "")))


class BusinessQuotesState(TableState, EnterpriseState):
    quotes: list[QuoteRow] = []
    can_request: bool = False
    composing: bool = False
    draft: list[DraftLine] = [DraftLine(0, False)]
    plans: list[PlanChoice] = []
    error: str = ""
    page_size: int = 25
    _next_key: int = 1

    async def _fetch_page(self) -> int:
        identity, redirect = await self._require("enterprise")
        if redirect:
            self.quotes = []
            return 0
        found = await enterprise.list_quotes(identity, page=self.page, page_size=self.page_size)  # type: ignore[arg-type]
        self.quotes = [QuoteRow(q.ref, q.status, q.lines, q.quantity, money(q.total_cents, q.currency),
                                day(q.created_at), day(q.wanted_by)) for q in found.rows]
        return found.total

    @rx.event
    async def load(self):
        identity, redirect = await self._require("enterprise")
        if redirect:
            self.quotes, self.can_request, self.plans = [], False, []
            return redirect
        self.can_request = bool(set(DECIDERS) & set(identity.roles))  # type: ignore[union-attr]
        self.error, self.page = "", 0
        await self._refresh()
        return None

    @rx.event
    async def start(self):
        """Open the request form with one plan line, and load the plans to pick from."""
        identity, redirect = await self._require("enterprise", DECIDERS)
        if redirect:
            return redirect
        self.composing, self.error, self.draft, self._next_key = True, "", [DraftLine(0, False)], 1
        await self._load_plans(identity, "")
        return None

    async def _load_plans(self, identity: accounts.Identity, query: str) -> None:
        try:
            options = await enterprise.quote_plan_options(identity, query)
        except ServiceError as exc:
            self.plans, self.error = [], message_for(exc)
            return
        self.plans = [PlanChoice(o.slug, o.label) for o in options]

    @rx.event
    async def search_plans(self, form: dict[str, str]):
        identity, redirect = await self._require("enterprise", DECIDERS)
        if redirect:
            return redirect
        await self._load_plans(identity, str(form.get("plan_query", ""))[:60])
        return None

    @rx.event
    def add_line(self, custom: bool) -> None:
        if len(self.draft) < MAX_LINES:
            self.draft = [*self.draft, DraftLine(self._next_key, bool(custom))]
            self._next_key += 1

    @rx.event
    def remove_line(self, key: int) -> None:
        if len(self.draft) > 1:
            self.draft = [line for line in self.draft if line.key != key]

    @rx.event
    def cancel(self) -> None:
        self.composing, self.error = False, ""

    @rx.event
    async def submit(self, form: dict[str, str]):
        identity, redirect = await self._require("enterprise", DECIDERS)
        if redirect:
            return redirect
        self.error = ""
        try:
            view = await enterprise.request_quote(
                identity, [_line(form, line) for line in self.draft],  # type: ignore[arg-type]
                wanted_by=_wanted_by(form.get("wanted_by", "")), note=str(form.get("note", ""))[:MAX_NOTE + 1],
                ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.composing = False
        return rx.redirect(routes.business_quote(view.ref))


class BusinessQuoteState(EnterpriseState):
    """One quote of the caller's company; printable."""

    found: bool = False
    ref: str = ""
    status: str = ""
    requested_by: str = ""
    requested: str = ""
    wanted_by: str = ""
    note: str = ""
    total: str = ""
    valid_until: str = ""
    order_ref: str = ""
    company: str = ""
    lines: list[LineRow] = []
    can_decide: bool = False
    error: str = ""
    notice: str = ""
    _revision: int = 0  # the prices this tab showed; accepting names them

    def _route_ref(self) -> str:
        return str(self.quote_ref)[:32]  # type: ignore[attr-defined]  (route argument)

    def _show(self, view: enterprise.QuoteView, roles: tuple[str, ...]) -> None:
        self.found, self.ref, self.status, self.company = True, view.ref, view.status, view.company_name
        self.requested_by, self.requested, self.wanted_by = view.requested_by, day(view.created_at), day(view.wanted_by)
        self.note, self.total, self.valid_until = view.note, money(view.total_cents, view.currency), day(view.valid_until)
        self.order_ref, self._revision = view.order_ref or "", view.revision
        self.lines = [LineRow(line.number, line.description, line.quantity, money(line.unit_price_cents, view.currency),
                              money(line.line_total_cents, view.currency)) for line in view.lines]
        self.can_decide = view.status == "priced" and bool(set(DECIDERS) & set(roles))

    def _clear(self) -> None:
        self.found, self.ref, self.lines, self.note, self.requested_by, self.can_decide = False, "", [], "", "", False

    @rx.event
    async def load(self):
        identity, redirect = await self._require("enterprise")
        if redirect:
            self._clear()
            return redirect
        self.error = self.notice = ""
        try:
            self._show(await enterprise.get_quote(identity, self._route_ref()), identity.roles)  # type: ignore[union-attr]
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)
        return None

    async def _decide(self, accept: bool):
        identity, redirect = await self._require("enterprise", DECIDERS)
        if redirect:
            self._clear()
            return redirect
        if not self.found or not self.ref:
            return None
        self.error = self.notice = ""
        decide = enterprise.accept_quote if accept else enterprise.reject_quote
        try:
            view = await decide(identity, self.ref, revision=self._revision,  # type: ignore[arg-type]
                                ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            try:  # show what the quote is now (expired, re-priced, decided in another browser), keep the words
                self._show(await enterprise.get_quote(identity, self.ref), identity.roles)  # type: ignore[arg-type,union-attr]
            except ServiceError:
                self._clear()
            return None
        self._show(view, identity.roles)  # type: ignore[union-attr]
        self.notice = (f"Quote accepted: order {view.order_ref} is placed at these prices. Pay it on account or by "
                       "card on the order's page." if accept else "Quote rejected: nothing was ordered.")
        return None

    @rx.event
    async def accept(self):
        return await self._decide(True)

    @rx.event
    async def reject(self):
        return await self._decide(False)
