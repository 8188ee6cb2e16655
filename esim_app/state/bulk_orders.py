"""Enterprise bulk orders: the list with the new-order form, and one order's live progress and payment.

Every handler resolves the caller (`_require("enterprise", ...)`) and passes the identity to one
service call; the company and the role are checked again there. The form only sends a plan this
tab was shown; prices always come from the server (list price less the company's volume tier).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from esim_app import routes
from esim_app.components.table import TableState
from esim_app.errors import MESSAGES, message_for
from esim_app.state.auth import EnterpriseState
from services import enterprise
from services.core import ServiceError, get_settings

ORDER_ROLES = ("admin", "operations")
BILLING_ROLES = ("admin", "finance")  # they get receipts (the service checks again)
PAID_STATUSES = ("provisioning", "completed", "failed")
POLL_SECONDS = 2.0
POLL_LIMIT = 1800  # one hour of polling at most per page visit
MAX_QUANTITY = 5000
UNDELIVERED = "No network operator could deliver this eSIM."


@dataclass
class OrderRow:
    ref: str
    created: str
    quantity: int
    total: str
    status: str
    progress: str


@dataclass
class PlanChoice:
    id: int
    label: str
    price: str


@dataclass
class LineRow:
    plan: str
    quantity: int
    unit_price: str
    subtotal: str


@dataclass
class FailureRow:
    ref: str
    plan: str
    reason: str


def _row(view: enterprise.BulkOrderView) -> OrderRow:
    return OrderRow(view.ref, view.created, view.quantity, view.total, view.status, view.progress_text)


def _quantity(value: object) -> int:
    try:
        return max(1, min(MAX_QUANTITY, int(str(value).strip() or "1")))
    except ValueError:
        return 1


class BulkOrdersState(TableState, EnterpriseState):
    """`/business/orders`: the company's bulk orders and the new-order form (admin, operations)."""

    orders: list[OrderRow] = []
    plans: list[PlanChoice] = []
    can_order: bool = False
    plan_id: str = ""
    quantity: int = 1
    unit_price: str = ""
    line_total: str = ""
    discount: str = ""
    error: str = ""
    busy: bool = False
    _key: str = ""  # this form's idempotency key: a double click places one order
    page_size: int = 20

    async def _fetch_page(self) -> int:
        identity, _ = await self._require("enterprise")
        if identity is None:
            self.orders = []
            return 0
        views, total = await enterprise.list_bulk_orders(identity, limit=self.page_size,
                                                         offset=self.page * self.page_size)
        self.orders = [_row(v) for v in views]
        return total

    @rx.event
    async def load(self):
        identity, redirect = await self._require("enterprise")
        if redirect:
            self.orders, self.plans, self.can_order = [], [], False
            return redirect
        self.error, self.busy = "", False
        self.can_order = bool(set(ORDER_ROLES) & set(identity.roles))
        await self._refresh()
        if self.can_order:
            found = await enterprise.list_plan_options(identity)
            self.plans = [PlanChoice(p.package_id, p.label, p.price) for p in found]
        self._key = self._key or uuid.uuid4().hex
        return None

    @rx.event
    async def search_plans(self, form: dict[str, str]):
        identity, redirect = await self._require("enterprise", ORDER_ROLES)
        if redirect:
            return redirect
        found = await enterprise.list_plan_options(identity, str(form.get("search", ""))[:60])
        self.plans = [PlanChoice(p.package_id, p.label, p.price) for p in found]
        self.plan_id = self.unit_price = self.line_total = self.discount = ""
        return None

    async def _preview(self):
        identity, redirect = await self._require("enterprise", ORDER_ROLES)
        if redirect:
            return redirect
        shown = {str(p.id) for p in self.plans}
        if self.plan_id not in shown:
            self.plan_id = self.unit_price = self.line_total = self.discount = ""
            return None
        try:
            preview = await enterprise.preview_bulk_price(identity, int(self.plan_id), self.quantity)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.unit_price, self.line_total, self.discount = preview.unit_price, preview.total, preview.discount_percent
        return None

    @rx.event
    async def choose_plan(self, plan_id: str):
        self.plan_id = str(plan_id)[:20]
        return await self._preview()

    @rx.event
    async def set_quantity(self, value: str):
        self.quantity = _quantity(value)
        return await self._preview()

    @rx.event
    async def place(self, form: dict[str, str]):
        """Place the order (on account: charged now; by card: paid on the order page), then open it."""
        identity, redirect = await self._require("enterprise", ORDER_ROLES)
        if redirect:
            return redirect
        if self.busy:
            return None
        plan_id, payment = str(form.get("plan", self.plan_id)), str(form.get("payment", "account"))
        if plan_id not in {str(p.id) for p in self.plans}:
            self.error = "Choose a plan from the list."
            return None
        self.busy, self.error = True, ""
        try:
            view = await enterprise.place_bulk_order(
                identity, [enterprise.BulkLine(int(plan_id), _quantity(form.get("quantity", self.quantity)))],
                payment=payment if payment in ("account", "card") else "account", key=self._key or uuid.uuid4().hex,
                ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.busy, self.error = False, message_for(exc)
            self._key = uuid.uuid4().hex  # a refused order is not a double click: the next try is new
            return None
        self._key, self.busy = uuid.uuid4().hex, False
        return rx.redirect(routes.business_order(view.ref))


class BulkOrderState(EnterpriseState):
    """`/business/orders/[order_ref]`: one order, its live progress, payment, failures and retry."""

    ref: str = ""
    status: str = ""
    payment_method: str = ""
    total: str = ""
    created: str = ""
    progress: str = ""
    ready: int = 0
    quantity: int = 0
    failed: int = 0
    lines: list[LineRow] = []
    failures: list[FailureRow] = []
    can_order: bool = False
    has_receipt: bool = False  # paid, and the caller keeps the books (finance, admin): a PDF receipt
    found: bool = False
    error: str = ""
    notice: str = ""
    card_ready: bool = False
    paying: bool = False
    _polling: bool = False
    LIVE: ClassVar[tuple[str, ...]] = ("provisioning",)

    def _ref(self) -> str:
        return str(self.order_ref)[:16]  # type: ignore[attr-defined]  (route argument)

    def _clear(self) -> None:
        self.ref = self.status = self.payment_method = self.total = self.created = self.progress = ""
        self.ready = self.quantity = self.failed = 0
        self.lines, self.failures, self.found, self.can_order, self.has_receipt = [], [], False, False, False

    def _show(self, view: enterprise.BulkOrderView) -> None:
        self.found, self.ref, self.status, self.payment_method = True, view.ref, view.status, view.payment_method
        self.total, self.created, self.progress = view.total, view.created, view.progress_text
        self.ready, self.quantity, self.failed = view.ready, view.quantity, view.failed
        self.lines = [LineRow(f"{line.plan_name} ({line.destination_name})", line.quantity, line.unit_price,
                              line.subtotal) for line in view.lines]
        self.failures = [FailureRow(f.ref, f.plan_name, MESSAGES.get(f.reason, UNDELIVERED))
                         for f in view.failures]

    async def _reload(self) -> bool:
        """Re-read the order; True while it is still being provisioned."""
        identity, redirect = await self._require("enterprise")
        if redirect:
            self._clear()
            return False
        try:
            view = await enterprise.get_bulk_order(identity, self._ref())
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)
            return False
        self.can_order = bool(set(ORDER_ROLES) & set(identity.roles))
        self._show(view)
        self.has_receipt = view.status in PAID_STATUSES and bool(set(BILLING_ROLES) & set(identity.roles))
        return view.status in self.LIVE

    @rx.event
    async def load(self):
        self.error = self.notice = ""
        self.paying = self.card_ready = False
        identity, redirect = await self._require("enterprise")
        if redirect:
            self._clear()
            return redirect
        live = await self._reload()
        if live and not self._polling:
            return BulkOrderState.poll
        if self.status == "pending" and self.can_order:
            return BulkOrderState.mount_card
        return None

    @rx.event(background=True)
    async def poll(self):
        """Refresh the progress every `POLL_SECONDS` while the order is provisioning."""
        async with self:
            if self._polling:
                return
            self._polling = True
        try:
            for _ in range(POLL_LIMIT):
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    if not await self._reload():
                        return
        finally:
            async with self:
                self._polling = False

    @rx.event
    def mount_card(self):
        key = json.dumps(get_settings().stripe_publishable_key)
        return rx.call_script("(async () => { for (let i = 0; i < 200 && !window.esimMountCard; i++) "
                              "await new Promise((r) => setTimeout(r, 50)); })()"
                              f".then(() => window.esimMountCard({key}, '#card-element'))",
                              callback=BulkOrderState.card_mounted)

    @rx.event
    def card_mounted(self, result: dict):
        self.card_ready = bool(result and result.get("ready"))

    @rx.event
    async def pay_on_account(self):
        identity, redirect = await self._require("enterprise", ORDER_ROLES)
        if redirect:
            return redirect
        self.error = ""
        try:
            await enterprise.pay_bulk_order_on_account(identity, self._ref(), ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        return await self._started()

    @rx.event
    def pay_by_card(self):
        """Step 1: Stripe.js tokenises the card in the browser; `charge` runs on the server."""
        if self.paying:
            return None
        self.paying, self.error = True, ""
        return rx.call_script("window.esimTokeniseCard()", callback=BulkOrderState.charge)

    @rx.event
    async def charge(self, result: dict):
        identity, redirect = await self._require("enterprise", ORDER_ROLES)
        if redirect:
            self.paying = False
            return redirect
        token = str((result or {}).get("token") or "")
        if not token.startswith("tok_"):
            self.paying, self.error = False, str((result or {}).get("error") or "Check the card details.")[:200]
            return None
        try:
            paid = await enterprise.pay_bulk_order_by_card(identity, self._ref(), card_token=token,
                                                           ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.paying, self.error = False, message_for(exc)
            return None
        if not paid.paid:
            return rx.call_script(f"window.esimAuthenticate({json.dumps(paid.client_secret)})",
                                  callback=BulkOrderState.authenticated)
        return await self._started()

    @rx.event
    async def authenticated(self, result: dict):
        identity, redirect = await self._require("enterprise", ORDER_ROLES)
        if redirect:
            return redirect
        if (result or {}).get("error"):
            self.paying, self.error = False, str(result["error"])[:200]
            return None
        try:
            await enterprise.confirm_bulk_card_payment(identity, self._ref(), ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.paying, self.error = False, message_for(exc)
            return None
        return await self._started()

    async def _started(self):
        self.paying = False
        self.notice = "Paid. We are getting your eSIMs ready."
        if await self._reload() and not self._polling:
            return BulkOrderState.poll
        return None

    @rx.event
    async def retry_failed(self):
        identity, redirect = await self._require("enterprise", ORDER_ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        try:
            await enterprise.retry_failed_esims(identity, self._ref(), ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = "We are trying the failed eSIMs again."
        if await self._reload() and not self._polling:
            return BulkOrderState.poll
        return None

