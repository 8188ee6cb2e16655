"""`/business/esims`: topping up one or many of the company's eSIMs, on account or by card (admins and
operations; the service checks the role, the company and each eSIM again). The browser sends only eSIM
references, a plan and the payment method; a card top-up is paid on its order's page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import reflex as rx

from esim_app import routes
from esim_app.errors import message_for
from esim_app.state.auth import EnterpriseState
from services import enterprise
from services.core import ServiceError, format_money

ROLES = ("admin", "operations")
MAX_REF = 32


@dataclass
class TopupChoice:
    slug: str
    label: str


class BusinessTopupState(EnterpriseState):
    selected: list[str] = []
    offers: list[TopupChoice] = []
    searched: bool = False  # offers were asked for the current choice
    error: str = ""
    result: str = ""
    order_href: str = ""
    _key: str = ""  # one top-up per key: a double click places one order

    def _forget_offers(self) -> None:
        self.offers, self.searched, self._key = [], False, ""

    @rx.event
    async def load(self):
        self.selected, self.error, self.result, self.order_href = [], "", "", ""
        self._forget_offers()

    @rx.event
    async def toggle(self, esim_ref: str):
        _, redirect = await self._require("enterprise", ROLES)
        if redirect:
            self.selected = []
            return redirect
        ref = str(esim_ref)[:MAX_REF]
        chosen = [r for r in self.selected if r != ref]
        if len(chosen) == len(self.selected) and len(chosen) < enterprise.MAX_TOPUP_ESIMS:
            chosen.append(ref)
        self.selected, self.error, self.result = chosen, "", ""
        self._forget_offers()
        return None

    @rx.event
    async def clear(self):
        self.selected, self.error = [], ""
        self._forget_offers()

    @rx.event
    async def find_offers(self):
        identity, redirect = await self._require("enterprise", ROLES)
        if redirect:
            self._forget_offers()
            return redirect
        self.error, self.result = "", ""
        try:
            found = await enterprise.topup_offers(identity, self.selected)  # type: ignore[arg-type]
        except ServiceError as exc:
            self.error = message_for(exc)
            self._forget_offers()
            return None
        each = len(self.selected)
        self.offers = [TopupChoice(o.slug, f"{format_money(o.unit_price_cents * each, o.currency)} in all "
                                           f"({format_money(o.unit_price_cents, o.currency)} each): "
                                           f"{o.data}, {o.validity_days} days")
                       for o in found]
        self.searched, self._key = True, uuid.uuid4().hex
        return None

    @rx.event
    async def place(self, form: dict[str, str]):
        identity, redirect = await self._require("enterprise", ROLES)
        if redirect:
            return redirect
        if not self._key:
            self.error = "Find the top-ups for these eSIMs first."
            return None
        self.error = ""
        payment = str(form.get("payment", "account"))
        try:
            placed = await enterprise.top_up_esims(identity, self.selected, str(form.get("plan", ""))[:100],  # type: ignore[arg-type]
                                                   key=self._key, payment=payment if payment == "card" else "account",
                                                   ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        if placed.status == "pending":  # by card: paid with the card form on the order's page
            self.selected = []
            self._forget_offers()
            return rx.redirect(routes.business_order(placed.order_ref))
        self.result = (f"Top-up {placed.order_ref} placed for {placed.esims} eSIMs, "
                       f"{format_money(placed.total_cents, placed.currency)} charged to your account.")
        self.order_href, self.selected = routes.business_order(placed.order_ref), []
        self._forget_offers()
        return None
