"""The top-up page of one eSIM: what fits it, priced in the customer's currency as checkout charges it
(owner only)."""

from __future__ import annotations

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import CustomerState
from esim_app.state.catalog import DisplayCurrencyState, PlanCard, plan_card_of
from esim_app.state.locale import reader_language
from services import orders
from services.core import ServiceError, translate


class TopupState(CustomerState):
    esim_ref_shown: str = ""
    plans: list[PlanCard] = []
    error: str = ""
    loaded: bool = False

    def _ref(self) -> str:
        return str(self.esim_ref)  # type: ignore[attr-defined]  (route argument)

    @rx.event
    async def load(self):
        self.loaded, self.error, self.plans = False, "", []
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        ref, lang = self._ref(), await reader_language(self)
        currency = (await self.get_state(DisplayCurrencyState))._currency()
        try:
            offers = await orders.list_priced_topup_offers(identity.principal_id, esim_ref=ref, currency=currency)
        except ServiceError as exc:
            self.error = message_for(exc, lang)
        else:
            self.plans = [plan_card_of(p.offer, p.currency, p.price_minor, lang=lang) for p in offers]
            if not offers:
                self.error = translate(lang, "There are no top-ups for this eSIM at the moment.")
        self.esim_ref_shown, self.loaded = ref, True
        return None

    @rx.event
    async def set_currency(self, value: str):
        """The customer picks another currency here: remember it (as on every page) and re-price the list."""
        _, redirect = await self._require("customer")
        if redirect:
            return redirect
        if await (await self.get_state(DisplayCurrencyState))._choose(value):
            return TopupState.load
        return None
