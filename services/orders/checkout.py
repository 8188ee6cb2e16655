"""Checkout as one use case: show the plan, then create or reuse this tab's order, charge the card, start fulfilment.

The tab holds a random checkout key; it becomes the order's client reference, which the database
keeps unique, so repeated clicks, retried requests and a second card after a decline all act on one
order. The price is always the catalogue's, never the browser's, in the currency the customer chose at
the rate of the moment (`services.store.currencies`), which the order then keeps.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from services.catalog import queries as catalog_queries
from services.catalog.queries import OfferView
from services.orders import background, ordering, topups
from services.orders.errors import CheckoutExpired, OrderNotFound, PriceChanged
from services.payments import stripe_payments
from services.payments.errors import OrderNotPayable, PaymentNotCompleted
from services.store import currencies
from services.store.settings import STORE_CURRENCY, get_store_settings

MAX_KEY_LENGTH = 64  # the client reference column


@dataclass(frozen=True, slots=True)
class CheckoutView:
    offer: OfferView  # its price is the catalogue's, in USD
    coverage_names: tuple[str, ...]  # by name; empty for a top-up
    supports_topup: bool
    price_cents: int  # what paying charges, in `currency`'s minor units
    currency: str


@dataclass(frozen=True, slots=True)
class CheckoutResult:
    order_ref: str
    paid: bool  # True once paid: fulfilment has started, show the order page
    client_secret: str = ""  # when not paid yet: the intent to authenticate (3-D Secure) in the browser


async def load_checkout(user_id: int | None, *, plan_slug: str, topup_esim_ref: str = "",
                        currency: str = STORE_CURRENCY) -> CheckoutView | None:
    """The plan to pay for, priced in `currency` (`UnknownCurrency` when not sold in it); None when it
    is not on sale. A top-up shows only to the eSIM's owner, if it fits."""
    if topup_esim_ref:
        if user_id is None:
            return None
        _, offer = await topups.check_topup(user_id, esim_ref=topup_esim_ref, plan_slug=plan_slug)
        coverage: tuple[str, ...] = ()
        supports_topup = True
    else:
        detail = await asyncio.to_thread(catalog_queries.get_offer, plan_slug)
        if detail is None:
            return None
        offer, coverage, supports_topup = detail.offer, tuple(c.name for c in detail.coverage), detail.supports_topup
    settings = await asyncio.to_thread(get_store_settings)  # as `ordering.create_order` will price it
    price = currencies.local_price(offer.price_cents, currency, settings)
    return CheckoutView(offer, coverage, supports_topup, price.amount_minor, price.currency)


async def pay_checkout(user_id: int, *, key: str, plan_slug: str, card_token: str, shown_price_cents: int,
                       currency: str = STORE_CURRENCY, shown_usd_cents: int | None = None,
                       topup_esim_ref: str = "") -> CheckoutResult:
    """Create (or reuse, by `key`) the customer's pending order and charge the card token in `currency`.

    `shown_price_cents` is the price this checkout showed, in `currency` (`shown_usd_cents`: the USD
    price it was based on); a new order is created only at that price (else `PriceChanged`, or
    `RateChanged` when only the exchange rate moved; nothing charged). Raises `PaymentDeclined` (the
    order stays pending for another card) and the other payment or order errors; a paid order starts
    fulfilment before this returns.
    """
    _check_key(key)
    order = await asyncio.to_thread(ordering.order_for_key, user_id, key=key)
    if order is not None and (order.currency, order.price_cents) != (currency.strip().upper(), shown_price_cents):
        raise PriceChanged(f"order {order.ref} costs {order.price_cents} {order.currency}, the page showed "
                           f"{shown_price_cents} {currency}")  # never charge other than what is shown
    if order is None:
        esim_id = None
        if topup_esim_ref:
            esim_id, _ = await topups.check_topup(user_id, esim_ref=topup_esim_ref, plan_slug=plan_slug)
        order = await asyncio.to_thread(ordering.create_order, user_id, plan_slug=plan_slug,
                                        topup_of_esim_id=esim_id, key=key, currency=currency,
                                        shown_price_cents=shown_price_cents, shown_usd_cents=shown_usd_cents)
    try:
        attempt = await asyncio.to_thread(stripe_payments.pay_with_card_token, order.id, token_id=card_token)
    except OrderNotPayable:  # paid already: a repeated click, or the webhook came first
        return _paid(order)
    if attempt.status == "requires_action":
        return CheckoutResult(order.ref, paid=False, client_secret=attempt.client_secret)
    return _paid(order)


async def confirm_checkout(user_id: int, *, key: str) -> CheckoutResult:
    """After 3-D Secure in the browser: ask Stripe whether this tab's order is paid now."""
    _check_key(key)
    order = await asyncio.to_thread(ordering.order_for_key, user_id, key=key)
    if order is None:
        raise OrderNotFound(f"no order for this checkout of user {user_id}")
    status = await asyncio.to_thread(stripe_payments.refresh_payment, order.id)
    if status != "succeeded":
        raise PaymentNotCompleted(f"order {order.ref}: payment is {status}")
    return _paid(order)


def _check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise CheckoutExpired("a checkout key must be 1 to 64 characters")


def _paid(order: ordering.CreatedOrder) -> CheckoutResult:
    background.fulfil_in_background([order.id])
    return CheckoutResult(order.ref, paid=True)
