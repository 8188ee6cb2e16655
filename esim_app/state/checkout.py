"""Checkout: summary at the server's price, card entry through Stripe.js, then the live order page.

The browser only ever hands us a card token; the order is created with the catalogue's price,
never a client-side one, and re-used while unpaid, so repeated clicks make one order.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

import reflex as rx

from esim_app.state.auth import CustomerState
from esim_app.state.catalog import PlanCard, plan_card_of
from services import catalog
from services.core.errors import ServiceError
from services.core.provider_runtime import get_registry
from services.core.settings import get_settings
from services.orders import ordering as orders
from services.orders import topups
from services.payments import stripe_payments as payments

CARD_SELECTOR = "#card-element"


def stripe_js_url() -> str:
    """Stripe.js in production; localstripe's stand-in when the app talks to the emulator."""
    base = get_settings().stripe_api_base.rstrip("/")
    return f"{base}/js.stripe.com/v3/" if base else "https://js.stripe.com/v3/"


class CheckoutState(CustomerState):
    plan: PlanCard | None = None
    coverage_text: str = ""
    supports_topup: bool = False
    signed_in: bool = False
    loaded: bool = False
    error: str = ""
    card_ready: bool = False
    paying: bool = False
    topup_for: str = ""  # the eSIM a top-up is for (its display id), from `?esim=`
    sign_in_href: str = "/login"
    _topup_esim_id: int = 0
    _plan_slug: str = ""
    _order_id: int = 0  # this tab's unpaid order for `_plan_slug`, owned by `_order_user`
    _order_user: int = 0

    @rx.event
    async def load(self):
        slug = str(self.plan_ref)  # type: ignore[attr-defined]  (route argument)
        self.topup_for = str(self.router.url.query_parameters.get("esim", ""))[:16]
        self.loaded, self.error, self.paying = True, "", False
        here = f"/checkout/{slug}" + (f"?esim={self.topup_for}" if self.topup_for else "")
        self.sign_in_href = "/login?next=" + quote(here, safe="")
        if slug != self._plan_slug:
            self._plan_slug, self._order_id = slug, 0
        identity = await self._current()
        self.signed_in = identity is not None and identity.role == "customer"
        if self.topup_for:
            await self._load_topup(identity, slug)
        else:
            await self._load_plan(slug)
        if self.signed_in and self.plan is not None:
            return CheckoutState.mount_card

    async def _load_plan(self, slug: str) -> None:
        detail = await catalog.get_plan(slug)
        self._topup_esim_id = 0
        if detail is None:
            self.plan = None
            return
        self.plan = plan_card_of(detail.offer, detail.offer.currency)
        names = [c.name for c in detail.coverage]
        self.coverage_text = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        self.supports_topup = detail.supports_topup

    async def _load_topup(self, identity, slug: str) -> None:
        """A top-up is shown only to the eSIM's owner, and only if its provider says it fits."""
        self.plan, self._topup_esim_id = None, 0
        if not self.signed_in:
            return
        try:
            esim_id, offer = await topups.check_topup(identity.principal_id, esim_ref=self.topup_for,
                                                      plan_slug=slug, registry=get_registry())
        except ServiceError as exc:
            self.error = str(exc)
            return
        self._topup_esim_id = esim_id
        self.plan = plan_card_of(offer, offer.currency)
        self.coverage_text = f"Added to your eSIM {self.topup_for}"
        self.supports_topup = True

    @rx.event
    def mount_card(self):
        key = json.dumps(get_settings().stripe_publishable_key)
        return rx.call_script(f"window.esimMountCard({key}, {json.dumps(CARD_SELECTOR)})",
                              callback=CheckoutState.card_mounted)

    @rx.event
    def card_mounted(self, result: dict):
        self.card_ready = bool(result and result.get("ready"))
        if not self.card_ready:
            self.error = str((result or {}).get("error") or "The card form could not load.")

    @rx.event
    def pay(self):
        """Step 1: the browser tokenises the card (Stripe.js), then `charge` runs on the server."""
        if self.paying:
            return None
        self.paying, self.error = True, ""
        return rx.call_script("window.esimTokeniseCard()", callback=CheckoutState.charge)

    async def _order(self, user_id: int) -> int:
        if not self._order_id or self._order_user != user_id:
            created = await asyncio.to_thread(orders.create_order, user_id, plan_slug=self._plan_slug,
                                              topup_of_esim_id=self._topup_esim_id or None)
            self._order_id, self._order_user = created.id, user_id
        return self._order_id

    @rx.event
    async def charge(self, result: dict):
        """Step 2: create (or re-use) the order at the server's price and charge the token."""
        identity, redirect = await self._require("customer")
        if redirect:
            self.paying = False
            return redirect
        token = str((result or {}).get("token") or "")
        if not token.startswith("tok_"):
            self.paying = False
            self.error = str((result or {}).get("error") or "Check your card details.")
            return None
        try:
            order_id = await self._order(identity.principal_id)
            attempt = await asyncio.to_thread(payments.pay_with_card_token, order_id, token_id=token)
        except payments.OrderNotPayable:
            return await self._finish(order_id)
        except ServiceError as exc:
            self.paying, self.error = False, str(exc)
            return None
        if attempt.status == "requires_action":
            return rx.call_script(f"window.esimAuthenticate({json.dumps(attempt.client_secret)})",
                                  callback=CheckoutState.authenticated)
        if attempt.status == "declined":
            self.paying, self.error = False, attempt.message
            return None
        return await self._finish(order_id)

    @rx.event
    async def authenticated(self, result: dict):
        """Step 3 (cards that need 3-D Secure): ask Stripe how it went."""
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        if (result or {}).get("error"):
            self.paying, self.error = False, str(result["error"])
            return None
        if not self._order_id or self._order_user != identity.principal_id:  # not this tab's payment
            self.paying = False
            return None
        status = await asyncio.to_thread(payments.refresh_payment, self._order_id)
        if status != "succeeded":
            self.paying, self.error = False, "The payment was not completed. Please try again."
            return None
        return await self._finish(self._order_id)

    async def _finish(self, order_id: int):
        ref = await asyncio.to_thread(orders.order_ref, order_id)
        orders.fulfil_in_background([order_id])
        self._order_id, self.paying = 0, False
        return rx.redirect(f"/orders/{ref}")
