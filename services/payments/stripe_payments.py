"""Stripe PaymentIntents for orders: the client, starting a payment, charging a card, the customer's return.

Stripe calls run outside any transaction and carry idempotency keys derived from the order. The
order's transitions are `services.orders.ordering`'s guarded updates. Webhooks live in
`services.payments.webhooks`, refunds in `services.payments.refunds`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import stripe

from services.core import db
from services.core.models import Order, OrderStatus
from services.core.settings import get_settings
from services.orders import ordering as orders
from services.orders import payment_state
from services.payments import declines
from services.payments.errors import (
    GatewayError,
    NoPayment,
    OrderNotPayable,
    PaymentDeclined,
    PaymentsNotConfigured,
    declined,
)

log = logging.getLogger(__name__)

NETWORK_RETRIES = 2
# Intent states a customer can still pay (or is paying) with; others are replaced.
REUSABLE = frozenset({"requires_payment_method", "requires_confirmation", "requires_action", "processing"})


@dataclass(frozen=True)
class PaymentStart:
    payment_intent_id: str
    client_secret: str
    publishable_key: str
    amount_cents: int
    currency: str


@dataclass(frozen=True, slots=True)
class CardAttempt:
    """A card charge that was not declined: paid, or 3-D Secure in the browser next."""

    status: str  # "succeeded" or "requires_action"
    client_secret: str


@dataclass(frozen=True)
class OrderPayment:
    """What payments need to know of an order."""

    id: int
    ref: str
    client_reference: str
    status: str
    price_cents: int
    currency: str
    payment_intent_id: str | None


@dataclass(frozen=True)
class _Intent:
    id: str
    status: str
    amount_cents: int
    currency: str
    client_secret: str


# --- Stripe client ------------------------------------------------------------------------------


def stripe_client() -> stripe.StripeClient:
    """The Stripe client for the configured key; localstripe when `STRIPE_API_BASE` is set."""
    settings = get_settings()
    if not settings.stripe_secret_key:
        raise PaymentsNotConfigured("STRIPE_SECRET_KEY is not set")
    if settings.stripe_api_base and settings.is_production:
        raise PaymentsNotConfigured("STRIPE_API_BASE (an emulator) is not allowed in production")
    return _client(settings.stripe_secret_key, settings.stripe_api_base)


@functools.cache
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(secret_key, base_addresses={"api": api_base} if api_base else None,
                               max_network_retries=NETWORK_RETRIES)


@contextlib.contextmanager
def gateway(action: str) -> Iterator[None]:
    """Map Stripe's errors to `GatewayError`, logging only status and code."""
    try:
        yield
    except stripe.StripeError as exc:
        log.warning("stripe: %s failed (http %s, code %s)", action, exc.http_status, exc.code)
        raise GatewayError(f"stripe: {action} failed", http_status=exc.http_status, stripe_code=exc.code) from exc


def _intent(obj: Any) -> _Intent:
    return _Intent(obj.id, obj.status, int(obj.amount), str(obj.currency).upper(), obj.client_secret)


def _retrieve_intent(intent_id: str) -> _Intent:
    with gateway("read the payment"):
        return _intent(stripe_client().v1.payment_intents.retrieve(intent_id))


def _cancel_quietly(intent_id: str) -> None:
    """Cancel an intent we will not use, so it cannot be paid; failures are only logged."""
    try:
        stripe_client().v1.payment_intents.cancel(intent_id)
    except stripe.StripeError as exc:
        log.warning("stripe: could not cancel unused intent %s (code %s)", intent_id, exc.code)


# --- orders (short transactions, no network) ----------------------------------------------------


def load_order(order_id: int) -> OrderPayment:
    with db.session() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise orders.OrderNotFound(f"order {order_id} does not exist")
        return OrderPayment(order.id, order.display_id or "", order.client_reference, order.status,  # type: ignore[arg-type]
                            order.price_cents, order.currency.upper(), order.stripe_payment_intent_id)


def _require_pending(order: OrderPayment) -> None:
    if order.status != OrderStatus.PENDING:
        raise OrderNotPayable(f"order {order.ref} cannot be paid now ({order.status})")


def _store_intent(order_id: int, *, previous: str | None, intent_id: str) -> bool:
    """Attach `intent_id` to a pending order still holding `previous`; False if someone changed it."""
    with db.session() as s, s.begin():
        result = s.execute(
            sa.update(Order)
            .where(Order.id == order_id, Order.status == OrderStatus.PENDING,
                   Order.stripe_payment_intent_id.is_not_distinct_from(previous))
            .values(stripe_payment_intent_id=intent_id)
        )
    return result.rowcount == 1


# --- starting a payment -------------------------------------------------------------------------


def start_payment(order_id: int) -> PaymentStart:
    """A PaymentIntent for a pending order at the order's price: the existing one while usable."""
    order = load_order(order_id)
    _require_pending(order)
    key = f"order-{order.client_reference}-pi"
    if order.payment_intent_id:
        current = _retrieve_intent(order.payment_intent_id)
        if _usable(current, order):
            return _payment_start(current)
        if current.status == "succeeded":
            _record_paid(order.id, current)
            raise OrderNotPayable(f"order {order.ref} is already paid")
        if current.status != "canceled":
            _cancel_quietly(current.id)
        key = f"{key}-after-{current.id}"  # a new intent, still one per replaced intent
    created = _create_intent(order, idempotency_key=key)
    if _store_intent(order.id, previous=order.payment_intent_id, intent_id=created.id):
        return _payment_start(created)
    return _payment_start(_winner(order_id, created))


def _usable(intent: _Intent, order: OrderPayment) -> bool:
    return (intent.status in REUSABLE and intent.amount_cents == order.price_cents
            and intent.currency == order.currency)


def _create_intent(order: OrderPayment, *, idempotency_key: str) -> _Intent:
    params = {  # card only: localstripe knows no automatic_payment_methods
        "amount": order.price_cents,
        "currency": order.currency.lower(),
        "payment_method_types": ["card"],
        "metadata": {"order_id": str(order.id), "order_ref": order.ref},
    }
    with gateway("start the payment"):
        intent = stripe_client().v1.payment_intents.create(params, {"idempotency_key": idempotency_key})
    return _intent(intent)


def _winner(order_id: int, created: _Intent) -> _Intent:
    """Another call attached an intent first: use it, and cancel ours if it is a different one."""
    order = load_order(order_id)
    _require_pending(order)
    if order.payment_intent_id == created.id:
        return created
    _cancel_quietly(created.id)
    if order.payment_intent_id is None:
        raise GatewayError(f"order {order.ref}: the intent attached by another call vanished")
    return _retrieve_intent(order.payment_intent_id)


def _payment_start(intent: _Intent) -> PaymentStart:
    return PaymentStart(intent.id, intent.client_secret, get_settings().stripe_publishable_key,
                        intent.amount_cents, intent.currency)


def _record_paid(order_id: int, intent: _Intent) -> bool:
    return payment_state.mark_paid(order_id, payment_intent_id=intent.id, amount_cents=intent.amount_cents,
                            currency=intent.currency)


# --- charging a card, the customer's return -----------------------------------------------------


def pay_with_card_token(order_id: int, *, token_id: str) -> CardAttempt:
    """Charge a card tokenised in the browser (`stripe.createToken`): confirm the order's intent here.

    The card number never reaches our servers; Stripe.js turns it into a token. A declined card
    raises `PaymentDeclined` and leaves the order pending with the decline's code, so the customer
    can try another card, up to the daily cap (`TooManyDeclines` past it, before Stripe is asked).
    """
    attempt = declines.begin_attempt(order_id)
    try:
        result = _charge(order_id, token_id)
    except PaymentDeclined as exc:
        declines.declined(attempt, reason=exc.code)
        raise
    except BaseException:
        declines.forget(attempt)
        raise
    declines.forget(attempt)
    return result


def _charge(order_id: int, token_id: str) -> CardAttempt:
    start = start_payment(order_id)
    client = stripe_client()
    with gateway("read the card"):
        method = client.v1.payment_methods.create({"type": "card", "card": {"token": token_id}})
    with gateway("charge the card"):
        try:
            client.v1.payment_intents.update(start.payment_intent_id, {"payment_method": method.id})
            confirmed = client.v1.payment_intents.confirm(start.payment_intent_id)
        except stripe.CardError as exc:
            raise _declined(order_id, start, declined(exc.code, _attr(exc.error, "decline_code"))) from None
    intent = _intent(confirmed)
    if intent.status == "succeeded":
        _record_paid(order_id, intent)
        return CardAttempt("succeeded", start.client_secret)
    if intent.status == "requires_action":
        return CardAttempt("requires_action", start.client_secret)
    error = _attr(confirmed, "last_payment_error")
    raise _declined(order_id, start, declined(_attr(error, "code"), _attr(error, "decline_code")))


def _attr(obj: Any, name: str) -> Any:
    """A field of a Stripe object that may be absent (Stripe omits empty fields)."""
    return getattr(obj, name, None) if obj is not None else None


def _declined(order_id: int, start: PaymentStart, error: PaymentDeclined) -> PaymentDeclined:
    payment_state.mark_payment_failed(order_id, payment_intent_id=start.payment_intent_id, reason=error.code)
    return error


def refresh_payment(order_id: int) -> str:
    """Ask Stripe about the order's intent; mark the order paid if it succeeded. Returns its status."""
    order = load_order(order_id)
    if not order.payment_intent_id:
        raise NoPayment(f"order {order.ref} has no payment yet")
    intent = _retrieve_intent(order.payment_intent_id)
    if intent.status == "succeeded":
        _record_paid(order.id, intent)
    return intent.status
