"""Customer account pages: eSIMs, orders and the live order status. Every load checks the owner."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from esim_app.state.auth import CustomerState
from services.core.errors import ServiceError
from services.core.money import format_money
from services.orders import esims

LIVE_STATUSES = ("pending", "paid", "provisioning")
POLL_SECONDS = 1.0
POLL_LIMIT = 180  # a tab stops polling after three minutes; a reload resumes


@dataclass(frozen=True)
class EsimCard:
    ref: str
    plan_name: str
    destination_name: str
    status: str
    status_label: str
    usage_text: str
    usage_percent: int
    expires_on: str


@dataclass(frozen=True)
class OrderRow:
    ref: str
    plan_name: str
    status: str
    price: str
    created_on: str
    failure_reason: str
    esim_ref: str


def data_text(mb: int) -> str:
    """1024 → "1 GB", 1536 → "1.5 GB", 500 → "500 MB"."""
    return f"{round(mb / 1024, 1):g} GB" if mb >= 1024 else f"{mb} MB"


def _card(s: esims.EsimSummary) -> EsimCard:
    if s.unlimited:
        usage = f"{data_text(s.used_mb)} used · unlimited"
    elif s.total_mb:
        usage = f"{data_text(s.used_mb)} of {data_text(s.total_mb)} used"
    else:
        usage = f"{data_text(s.used_mb)} used"
    return EsimCard(s.ref, s.plan_name, s.destination_name, s.status, s.status_label, usage, s.usage_percent,
                    s.expires_on)


def _row(o: esims.OrderSummary) -> OrderRow:
    return OrderRow(o.ref, o.plan_name, o.status, format_money(o.price_cents, o.currency), o.created_on,
                    o.failure_reason, o.esim_refs[0] if o.esim_refs else "")


class AccountState(CustomerState):
    esims: list[EsimCard] = []
    orders: list[OrderRow] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        identity, redirect = await self._require("customer")
        if redirect:
            self.esims, self.orders, self.loaded = [], [], False
            return redirect
        summaries, orders = await asyncio.gather(
            asyncio.to_thread(esims.list_esims, identity.principal_id),
            asyncio.to_thread(esims.list_orders, identity.principal_id),
        )
        self.esims = [_card(s) for s in summaries]
        self.orders = [_row(o) for o in orders]
        self.loaded = True


class EsimPageState(CustomerState):
    found: bool = False
    error: str = ""
    card: EsimCard | None = None
    iccid: str = ""
    lpa: str = ""
    smdp_address: str = ""
    activation_code: str = ""
    qr_data_uri: str = ""
    ios_install_url: str = ""
    usage_updated: str = ""
    order_ref: str = ""
    can_top_up: bool = False

    def _ref(self) -> str:
        return str(self.esim_ref)  # type: ignore[attr-defined]  (route argument)

    def _clear(self) -> None:
        self.found, self.card, self.order_ref, self.can_top_up = False, None, "", False
        self.iccid = self.lpa = self.smdp_address = self.activation_code = ""
        self.qr_data_uri = self.ios_install_url = self.usage_updated = ""

    @rx.event
    async def load(self):
        identity, redirect = await self._require("customer")
        if redirect:
            self._clear()
            return redirect
        try:
            detail = await asyncio.to_thread(esims.get_esim, identity.principal_id, esim_ref=self._ref())
        except ServiceError as exc:
            self._clear()
            self.error = str(exc)
            return
        self.found, self.error = True, ""
        self.card = _card(detail.summary)
        self.iccid, self.lpa, self.smdp_address = detail.iccid, detail.lpa, detail.smdp_address
        self.activation_code, self.qr_data_uri = detail.activation_code, detail.qr_data_uri
        self.ios_install_url, self.usage_updated = detail.ios_install_url, detail.usage_updated
        self.order_ref, self.can_top_up = detail.order_ref, detail.can_top_up


class OrderStatusState(CustomerState):
    status: str = ""
    plan_name: str = ""
    price: str = ""
    ordered_on: str = ""
    failure_reason: str = ""
    first_esim_ref: str = ""  # the eSIM to install once completed
    error: str = ""
    _polling: bool = False

    def _ref(self) -> str:
        return str(self.order_ref)  # type: ignore[attr-defined]  (route argument)

    async def _refresh(self) -> bool:
        """Re-read the order; True while it may still change."""
        identity, redirect = await self._require("customer")
        if redirect:
            return False
        try:
            order = await asyncio.to_thread(esims.get_order, identity.principal_id, order_ref=self._ref())
        except ServiceError as exc:
            self.status = self.plan_name = self.price = self.failure_reason = self.first_esim_ref = ""
            self.ordered_on = ""
            self.error = str(exc)
            return False
        self.status, self.plan_name, self.failure_reason = order.status, order.plan_name, order.failure_reason
        self.price, self.ordered_on = format_money(order.price_cents, order.currency), order.created_on
        self.first_esim_ref = order.esim_refs[0] if order.esim_refs else ""
        return order.status in LIVE_STATUSES

    @rx.event
    async def load(self):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        if await self._refresh() and not self._polling:
            return OrderStatusState.poll

    @rx.event(background=True)
    async def poll(self):
        async with self:
            if self._polling:
                return
            self._polling = True
        try:
            for _ in range(POLL_LIMIT):
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    if not await self._refresh():
                        return
        finally:
            async with self:
                self._polling = False
