"""Checkout: summary at the server's price, card entry through Stripe.js, then the live order page.

The browser only ever hands us a card token. Paying is one service call (`orders.pay_checkout`)
keyed by this tab's checkout key, a random key kept on the server; the service creates the order
at the catalogue's price, in the currency shown, or reuses the one the key made, so repeated clicks
make one order.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import CustomerState
from esim_app.state.catalog import DisplayCurrencyState, PlanCard, plan_card_of
from esim_app.state.locale import reader_language
from services import orders
from services.core import ServiceError, get_settings, ntranslate, translate

CARD_SELECTOR = "#card-element"
WAIT_FOR_CHECKOUT_JS = ("(async () => { for (let i = 0; i < 200 && !window.esimMountCard; i++) "
                        "await new Promise((r) => setTimeout(r, 50)); })()")


def stripe_js_url() -> str:
    """Stripe.js in production; localstripe's stand-in when the app talks to the emulator."""
    base = get_settings().stripe_api_base.rstrip("/")
    return f"{base}/js.stripe.com/v3/" if base else "https://js.stripe.com/v3/"


def _coverage_text(names: tuple[str, ...], lang: str) -> str:
    shown = ", ".join(names[:6])
    return ntranslate(lang, "{names} and {n} more", "{names} and {n} more", len(names) - 6, names=shown) \
        if len(names) > 6 else shown


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
    _plan_slug: str = ""
    _shown_price_cents: int = 0  # the price this page showed, in `_shown_currency`: the only one the order may take
    _shown_currency: str = ""
    _shown_usd_cents: int = 0  # the catalogue price it came from (tells a changed rate from a changed price)
    _checkout_key: str = ""  # this tab's idempotency key for `_key_for` (customer, plan, eSIM)
    _key_for: str = ""
    _lang: str = "en"  # the reader's language when the page loaded, for messages of the payment steps

    @rx.event
    async def load(self):
        slug = str(self.plan_ref)  # type: ignore[attr-defined]  (route argument)
        self.topup_for = str(self.router.url.query_parameters.get("esim", ""))[:16]
        self.loaded, self.error, self.paying, self._plan_slug = True, "", False, slug
        here = f"/checkout/{slug}" + (f"?esim={self.topup_for}" if self.topup_for else "")
        self.sign_in_href = "/login?next=" + quote(here, safe="")
        identity = await self._current()
        self.signed_in = identity is not None and identity.role == "customer"
        self.plan = None
        lang = self._lang = await reader_language(self)
        try:
            view = await self._show_current_price(identity.principal_id if self.signed_in else None)
        except ServiceError as exc:
            self.error = message_for(exc, lang)
            return None
        if view is None:
            return None
        self.supports_topup = view.supports_topup
        self.coverage_text = (translate(lang, "Added to your eSIM {esim}", esim=self.topup_for) if self.topup_for
                              else _coverage_text(view.coverage_names, lang))
        if self.signed_in:
            return CheckoutState.mount_card
        return None

    async def _show_current_price(self, user_id: int | None) -> orders.CheckoutView | None:
        """Show the plan at the catalogue's price now, in the visitor's currency; that price is the one
        paying will accept."""
        currency = (await self.get_state(DisplayCurrencyState))._currency()
        view = await orders.load_checkout(user_id, plan_slug=self._plan_slug, topup_esim_ref=self.topup_for,
                                          currency=currency)
        if view is not None:
            self.plan = plan_card_of(view.offer, view.currency, view.price_cents, lang=await reader_language(self))
            self._shown_price_cents, self._shown_currency = view.price_cents, view.currency
            self._shown_usd_cents = view.offer.price_cents
        return view

    @rx.event
    async def set_currency(self, value: str):
        """The visitor picks another currency here: remember it (as on every page) and show the price in it."""
        if self.paying:
            return None
        if not await (await self.get_state(DisplayCurrencyState))._choose(value):
            return None
        identity = await self._current()
        try:
            await self._show_current_price(identity.principal_id if self.signed_in and identity else None)
        except ServiceError as exc:
            self.error = message_for(exc)
        return None

    @rx.event
    def mount_card(self):
        key = json.dumps(get_settings().stripe_publishable_key)
        # After a full page load (sign-in ends with one) on_load can run before /checkout.js has loaded.
        return rx.call_script(f"{WAIT_FOR_CHECKOUT_JS}.then(() => window.esimMountCard({key}, "
                              f"{json.dumps(CARD_SELECTOR)}))", callback=CheckoutState.card_mounted)

    @rx.event
    def card_mounted(self, result: dict):
        self.card_ready = bool(result and result.get("ready"))
        if not self.card_ready:
            self.error = str((result or {}).get("error") or "") or translate(self._lang, "The card form could not load.")

    @rx.event
    def pay(self):
        """Step 1: the browser tokenises the card (Stripe.js), then `charge` runs on the server."""
        if self.paying:
            return None
        self.paying, self.error = True, ""
        return rx.call_script("window.esimTokeniseCard()", callback=CheckoutState.charge)

    def _key(self, user_id: int) -> str:
        """This tab's checkout key for the customer, plan, eSIM and price on screen; a new one when they change
        (a price in another currency, or at another rate, is another order)."""
        subject = f"{user_id}:{self._plan_slug}:{self.topup_for}:{self._shown_currency}:{self._shown_price_cents}"
        if not self._checkout_key or self._key_for != subject:
            self._checkout_key, self._key_for = uuid.uuid4().hex, subject
        return self._checkout_key

    @rx.event
    async def charge(self, result: dict):
        """Step 2: one service call creates (or re-uses) the order at the server's price and charges the token."""
        identity, redirect = await self._require("customer")
        if redirect:
            self.paying = False
            return redirect
        token = str((result or {}).get("token") or "")
        if not token.startswith("tok_"):
            self.paying = False
            self.error = str((result or {}).get("error") or "") or translate(self._lang, "Check your card details.")
            return None
        try:
            paid = await orders.pay_checkout(identity.principal_id, key=self._key(identity.principal_id),
                                             plan_slug=self._plan_slug, card_token=token,
                                             currency=self._shown_currency or "USD",
                                             shown_price_cents=self._shown_price_cents,
                                             shown_usd_cents=self._shown_usd_cents, topup_esim_ref=self.topup_for)
        except orders.PriceChanged as exc:
            await self._show_current_price(identity.principal_id)
            self.paying, self.error = False, message_for(exc, self._lang)
            return None
        except ServiceError as exc:
            self.paying, self.error = False, message_for(exc, self._lang)
            return None
        if not paid.paid:
            return rx.call_script(f"window.esimAuthenticate({json.dumps(paid.client_secret)})",
                                  callback=CheckoutState.authenticated)
        return self._finish(paid.order_ref)

    @rx.event
    async def authenticated(self, result: dict):
        """Step 3 (cards that need 3-D Secure): ask Stripe how it went."""
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        if (result or {}).get("error"):
            self.paying, self.error = False, str(result["error"])
            return None
        if not self._checkout_key:  # no payment started in this tab
            self.paying = False
            return None
        try:
            paid = await orders.confirm_checkout(identity.principal_id, key=self._key(identity.principal_id))
        except ServiceError as exc:
            self.paying, self.error = False, message_for(exc, self._lang)
            return None
        return self._finish(paid.order_ref)

    def _finish(self, order_ref: str):
        self._checkout_key, self.paying = "", False  # the next purchase in this tab is a new order
        return rx.redirect(f"/orders/{order_ref}")
