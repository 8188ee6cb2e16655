"""Staff customer pages: the searchable list (`/admin/customers`) and one customer
(`/admin/customers/[user_ref]`) with disable/enable, ending sessions and the data export.

Every handler resolves the staff session and role first and makes one service call; actions open
a confirmation with a fresh key kept server side (see `AdminOrderState`), so a replay does nothing.
The export is a download from `/api/admin/customers/<ref>/export`, which checks the staff cookie itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.admin.common import MAX_NOTE, money, when
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError, format_data_size

ROLES = admin.CUSTOMER_ROLES
ACT_ROLES = ("owner", "support")
DONE = {"disable": "The customer is disabled and signed out everywhere.", "enable": "The customer is enabled.",
        "revoke": "The customer is signed out everywhere."}


@dataclass(frozen=True)
class CustomerListRow:
    ref: str
    email: str
    name: str
    joined: str
    active: bool


@dataclass(frozen=True)
class Line:
    """One row of a detail table: a reference and three more cells."""

    ref: str
    first: str
    second: str
    third: str


class AdminCustomersState(TableState, AdminState):
    customers: list[CustomerListRow] = []
    query: str = ""
    error: str = ""
    page_size: int = 25

    async def _fetch_page(self) -> int:
        identity, _ = await self._require("admin", ROLES)
        if identity is None:
            self.customers = []
            return 0
        try:
            found = await admin.list_customers(identity, query=self.query, offset=self.page * self.page_size,
                                               limit=self.page_size)
        except ServiceError as exc:
            self.customers, self.error = [], message_for(exc)
            return 0
        self.customers = [CustomerListRow(r.ref, r.email, r.name, when(r.created_at), r.active) for r in found.rows]
        self.error = ""
        return found.total

    @rx.event
    async def load(self):
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self.customers = []
            return redirect
        self.page = 0
        await self._refresh()
        return None

    @rx.event
    async def search(self, form: dict[str, str]):
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self.customers = []
            return redirect
        self.query, self.page = str(form.get("query", ""))[:200].strip(), 0
        await self._refresh()
        return None


class AdminCustomerState(AdminState):
    found: bool = False
    ref: str = ""
    email: str = ""
    facts: list[tuple[str, str]] = []
    active: bool = True
    orders: list[Line] = []
    esims: list[Line] = []
    tickets: list[Line] = []
    sessions: list[Line] = []
    can_act: bool = False
    pending: str = ""  # disable, enable, revoke
    busy: bool = False
    error: str = ""
    notice: str = ""
    _key: str = ""

    def _clear(self) -> None:
        self.found, self.ref, self.email, self.facts, self.can_act, self.pending, self._key = (
            False, "", "", [], False, "", "")
        self.orders, self.esims, self.tickets, self.sessions = [], [], [], []

    def _show(self, c: admin.CustomerDetail, roles: tuple[str, ...]) -> None:
        spend = ", ".join(money(cents, currency) for currency, cents in c.spend) or money(0, "USD")
        self.found, self.ref, self.email, self.active = True, c.ref, c.email, c.active
        self.facts = [("Email", c.email), ("Name", c.name or "—"), ("Country", c.country or "—"),
                      ("Joined", when(c.created_at)), ("Status", "active" if c.active else "disabled"),
                      ("Total spend", spend)]
        self.orders = [Line(o.ref, when(o.created_at), o.status, f"{o.plan_name} · {money(o.price_cents, o.currency)}")
                       for o in c.orders]
        self.esims = [Line(e.ref, e.iccid, e.status, f"{format_data_size(e.used_mb)} used") for e in c.esims]
        self.tickets = [Line(t.ref, t.subject, t.status, when(t.updated_at)) for t in c.tickets]
        self.sessions = [Line(str(i + 1), when(x.created_at), when(x.last_seen_at), f"{x.ip} {x.user_agent}".strip())
                         for i, x in enumerate(c.sessions)]
        self.can_act = bool(set(ACT_ROLES) & set(roles))

    async def _reload(self, identity) -> None:
        try:
            found = await admin.get_customer(identity, user_ref=str(self.user_ref))  # type: ignore[attr-defined]
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)
            return
        self._show(found, identity.roles)

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.error = self.notice = ""
        self.pending, self._key = "", ""
        await self._reload(identity)
        return None

    @rx.event
    async def ask(self, action: str):
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.error = self.notice = ""
        allowed = {"revoke", "enable" if not self.active else "disable"} if self.can_act and self.found else set()
        self.pending = str(action) if str(action) in allowed else ""
        self._key = admin.new_action_key() if self.pending else ""
        return None

    @rx.event
    def cancel(self) -> None:
        self.pending, self._key = "", ""

    @rx.event
    async def confirm(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            yield redirect
            return
        if not self.pending or not self._key or self.busy:
            return
        action, key, note = self.pending, self._key, str(form.get("note", ""))[:MAX_NOTE]
        self.busy, self.error = True, ""
        yield
        try:
            if action == "revoke":
                result = await admin.revoke_customer_sessions(identity, user_ref=self.ref, note=note, key=key)
            else:
                result = await admin.set_customer_active(identity, user_ref=self.ref, active=action == "enable",
                                                         note=note, key=key)
        except ServiceError as exc:
            self.busy, self.error = False, message_for(exc)
            return
        self.busy, self.pending, self._key = False, "", ""
        self.notice = DONE[action] if result.changed else "Already done: nothing changed."
        await self._reload(identity)
