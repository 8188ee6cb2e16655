"""Customer account pages: eSIMs, orders and the live order status. Every load checks the owner."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from esim_app.errors import FALLBACK, MESSAGES, message_for
from esim_app.state.auth import CustomerState
from esim_app.state.locale import reader_language
from services import orders
from services.core import DEFAULT_LANGUAGE, ServiceError, format_data_size, money_text, translate

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
    failure_reason: str  # in our words, never the provider's
    esim_ref: str
    has_receipt: bool  # paid: a PDF receipt can be downloaded


def failure_text(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Our words for an order's stable failure code in `lang` ("" when it has none)."""
    return translate(lang, MESSAGES.get(code, FALLBACK)) if code else ""


def _card(s: orders.EsimSummary, lang: str) -> EsimCard:
    used = format_data_size(s.used_mb, lang=lang)
    if s.unlimited:
        usage = translate(lang, "{used} used · unlimited", used=used)
    elif s.total_mb:
        usage = translate(lang, "{used} of {total} used", used=used, total=format_data_size(s.total_mb, lang=lang))
    else:
        usage = translate(lang, "{used} used", used=used)
    return EsimCard(s.ref, s.plan_name, s.destination_name, s.status, translate(lang, s.status_label), usage,
                    s.usage_percent, s.expires_on)


def _row(o: orders.OrderSummary, lang: str) -> OrderRow:
    return OrderRow(o.ref, o.plan_name, o.status, money_text(lang, o.price_cents, o.currency), o.created_on,
                    failure_text(o.failure_code, lang), o.esim_refs[0] if o.esim_refs else "", o.has_receipt)


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
        lang = await reader_language(self)
        account = await orders.load_account(identity.principal_id, lang=lang)
        self.esims = [_card(s, lang) for s in account.esims]
        self.orders = [_row(o, lang) for o in account.orders]
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
        lang = await reader_language(self)
        try:
            detail = await orders.get_esim(identity.principal_id, esim_ref=self._ref(), lang=lang)
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc, lang)
            return
        self.found, self.error = True, ""
        self.card = _card(detail.summary, lang)
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
    has_receipt: bool = False
    error: str = ""
    _polling: bool = False

    def _ref(self) -> str:
        return str(self.order_ref)  # type: ignore[attr-defined]  (route argument)

    async def _refresh(self) -> bool:
        """Re-read the order; True while it may still change."""
        identity, redirect = await self._require("customer")
        if redirect:
            return False
        lang = await reader_language(self)
        try:
            order = await orders.get_order(identity.principal_id, order_ref=self._ref(), lang=lang)
        except ServiceError as exc:
            self.status = self.plan_name = self.price = self.failure_reason = self.first_esim_ref = ""
            self.ordered_on, self.has_receipt = "", False
            self.error = message_for(exc, lang)
            return False
        self.status, self.plan_name = order.status, order.plan_name
        self.failure_reason = failure_text(order.failure_code, lang)
        self.price, self.ordered_on = money_text(lang, order.price_cents, order.currency), order.created_on
        self.first_esim_ref = order.esim_refs[0] if order.esim_refs else ""
        self.has_receipt = order.has_receipt
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
