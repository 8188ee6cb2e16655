"""The staff order list (`/admin/orders`): search, filters, server-side paging and sorting.

Every handler resolves the staff session and role before its one service call (`admin.list_orders`).
Pages continue by keyset: each page's `next_cursor` is kept (server side only) to fetch the next
page; a jump to a page never visited uses an offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.admin.common import cents_from, date_from, money, when
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError

ROLES = admin.ORDER_ROLES
STATUSES = ("pending", "paid", "provisioning", "completed", "failed", "refunded", "cancelled")
FILTERS = ("status", "provider", "destination", "customer", "date_from", "date_to", "min_amount", "max_amount")


@dataclass(frozen=True)
class OrderListRow:
    ref: str
    created: str
    status: str
    customer: str
    plan: str
    destination: str
    provider: str
    amount: str
    refunded: str


def _row(r: admin.OrderRow) -> OrderListRow:
    customer = r.company_name or r.customer_email or "—"
    refunded = money(r.refunded_cents, r.currency) if r.refunded_cents else ""
    return OrderListRow(r.ref, when(r.created_at), r.status, customer, r.plan_name, r.destination_code,
                        r.provider_name or "—", money(r.price_cents, r.currency), refunded)


class AdminOrdersState(TableState, AdminState):
    orders: list[OrderListRow] = []
    query: str = ""
    filters: dict[str, str] = {}
    providers: list[str] = []
    destinations: list[str] = []
    more: bool = False  # more orders match than were counted
    error: str = ""
    sort_key: str = "created"
    page_size: int = 25
    _sortable: ClassVar[tuple[str, ...]] = ("created", "amount")
    _cursors: list[str] = []  # _cursors[i]: where page i starts ("" for the first page)
    _cursor_order: str = ""  # the sort the cursors were taken in

    def _clear(self) -> None:
        self.orders, self._cursors, self.more = [], [], False
        self._set_total(0)

    async def _fetch_page(self) -> int:
        identity, _ = await self._require("admin", ROLES)
        if identity is None:
            self._clear()
            return 0
        f, order = self.filters, f"{self.sort_key}|{self.descending}"
        if order != self._cursor_order:
            self._cursors, self._cursor_order = [], order
        after = self._cursors[self.page] if 0 < self.page < len(self._cursors) else ""
        try:
            found = await admin.list_orders(
                identity, query=self.query, status=f.get("status", ""), provider=f.get("provider", ""),
                destination=f.get("destination", ""), customer=f.get("customer", ""),
                date_from=date_from(f.get("date_from", "")), date_to=date_from(f.get("date_to", "")),
                min_cents=cents_from(f.get("min_amount", "")), max_cents=cents_from(f.get("max_amount", "")),
                sort=self.sort_key or "created", descending=self.descending, after=after,
                offset=0 if after else self.page * self.page_size, limit=self.page_size)
        except ServiceError as exc:
            self.error = message_for(exc)
            self.orders = []
            return 0
        if self.page == 0:
            self._cursors = [""]
        if found.next_cursor and len(self._cursors) == self.page + 1:
            self._cursors = [*self._cursors, found.next_cursor]
        self.orders, self.more, self.error = [_row(r) for r in found.rows], found.more, ""
        return found.total

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        try:
            providers, destinations = await admin.order_filter_choices(identity)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.providers, self.destinations = list(providers), list(destinations)
        self.page, self._cursors = 0, []
        await self._refresh()
        return None

    @rx.event
    async def search(self, form: dict[str, str]):
        """Apply the search box and the filters (one form); back to the first page."""
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.query = str(form.get("query", ""))[:200].strip()
        filters = {name: str(form.get(name, ""))[:200].strip() for name in FILTERS}
        if filters["status"] not in STATUSES:
            filters["status"] = ""
        self.filters = {k: v for k, v in filters.items() if v}
        self.page, self._cursors = 0, []
        await self._refresh()
        return None

    @rx.event
    async def clear_filters(self):
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.query, self.filters, self.page, self._cursors = "", {}, 0, []
        await self._refresh()
        return None
