"""The top-up page of one eSIM: what fits it, at our prices (owner only)."""

from __future__ import annotations

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import CustomerState
from esim_app.state.catalog import PlanCard, plan_card_of
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
        ref = self._ref()
        lang = await reader_language(self)
        try:
            offers = await orders.list_topup_offers(identity.principal_id, esim_ref=ref)
        except ServiceError as exc:
            self.error = message_for(exc, lang)
        else:
            self.plans = [plan_card_of(o, o.currency, lang=lang) for o in offers]
            if not offers:
                self.error = translate(lang, "There are no top-ups for this eSIM at the moment.")
        self.esim_ref_shown, self.loaded = ref, True
        return None
