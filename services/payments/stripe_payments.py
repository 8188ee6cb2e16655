"""Stripe payments for orders: PaymentIntents, webhooks, the customer's return, refunds.

Stripe calls run outside any transaction and carry idempotency keys derived from the order. The
order's transitions are `services.orders`' guarded updates; webhook events are recorded in
`stripe_events` by id and processed under that row's lock, so a redelivered or concurrent event
moves an order once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import stripe
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import select

from services.core import db
from services.core.errors import ServiceError
from services.core.models import Order, OrderStatus, StripeEvent
from services.core.settings import get_settings
from services.orders import ordering as orders

log = logging.getLogger(__name__)

NETWORK_RETRIES = 2
WEBHOOK_TOLERANCE_SECONDS = 300
# Intent states a customer can still pay (or is paying) with; others are replaced.
REUSABLE = frozenset({"requires_payment_method", "requires_confirmation", "requires_action", "processing"})


class PaymentError(ServiceError):
    code = "payment_error"


class PaymentsNotConfigured(PaymentError):
    code = "payments_not_configured"


class OrderNotPayable(PaymentError):
    """The order is not pending (already paid, cancelled, ...)."""

    code = "order_not_payable"


class NoPayment(PaymentError):
    """The order has no PaymentIntent yet."""

    code = "no_payment"


class InvalidSignature(PaymentError):
    """A webhook without a valid Stripe signature (or not a Stripe event at all)."""

    code = "invalid_signature"


class GatewayError(PaymentError):
    """Stripe refused or could not be reached. The message is safe to show."""

    code = "payment_gateway_error"

    def __init__(self, message: str, *, http_status: int | None = None, stripe_code: str | None = None) -> None:
        super().__init__(message)
        self.http_status, self.stripe_code = http_status, stripe_code


@dataclass(frozen=True)
class PaymentStart:
    payment_intent_id: str
    client_secret: str
    publishable_key: str
    amount_cents: int
    currency: str


@dataclass(frozen=True)
class WebhookResult:
    event_id: str
    type: str
    duplicate: bool = False
    order_id: int | None = None
    outcome: str | None = None
    paid_order_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class EventAction:
    """What a Stripe event asks of us, read from its payload (no I/O)."""

    kind: str  # paid, payment_failed, refunded, ignored
    payment_intent_id: str | None = None
    order_id_hint: int | None = None  # from the intent's metadata, when we set it
    amount_cents: int | None = None
    currency: str | None = None
    reason: str | None = None
    refund_id: str | None = None
    charge_id: str | None = None


@dataclass(frozen=True)
class _OrderView:
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
        raise PaymentsNotConfigured("Payments are not configured.")
    if settings.stripe_api_base and settings.is_production:
        raise PaymentsNotConfigured("STRIPE_API_BASE (an emulator) is not allowed in production.")
    return _client(settings.stripe_secret_key, settings.stripe_api_base)


@functools.cache
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(secret_key, base_addresses={"api": api_base} if api_base else None,
                               max_network_retries=NETWORK_RETRIES)


@contextlib.contextmanager
def _gateway(action: str) -> Iterator[None]:
    """Map Stripe's errors to `GatewayError`, logging only status and code."""
    try:
        yield
    except stripe.StripeError as exc:
        log.warning("stripe: %s failed (http %s, code %s)", action, exc.http_status, exc.code)
        raise GatewayError(
            "The payment service could not complete this step. Please try again.",
            http_status=exc.http_status,
            stripe_code=exc.code,
        ) from exc


def _intent(obj: Any) -> _Intent:
    return _Intent(obj.id, obj.status, int(obj.amount), str(obj.currency).upper(), obj.client_secret)


def _retrieve_intent(intent_id: str) -> _Intent:
    with _gateway("read the payment"):
        return _intent(stripe_client().v1.payment_intents.retrieve(intent_id))


def _cancel_quietly(intent_id: str) -> None:
    """Cancel an intent we will not use, so it cannot be paid; failures are only logged."""
    try:
        stripe_client().v1.payment_intents.cancel(intent_id)
    except stripe.StripeError as exc:
        log.warning("stripe: could not cancel unused intent %s (code %s)", intent_id, exc.code)


# --- orders (short transactions, no network) ----------------------------------------------------


def _load_order(order_id: int) -> _OrderView:
    with db.session() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise orders.OrderNotFound(f"order {order_id} does not exist")
        return _OrderView(order.id, order.display_id or "", order.client_reference, order.status,  # type: ignore[arg-type]
                          order.price_cents, order.currency.upper(), order.stripe_payment_intent_id)


def _require_pending(order: _OrderView) -> None:
    if order.status != OrderStatus.PENDING:
        raise OrderNotPayable(f"Order {order.ref} cannot be paid now ({order.status}).")


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


def _order_for_intent(intent_id: str | None, hint: int | None) -> int | None:
    """The order holding this intent, else the order named in its metadata (if it exists)."""
    with db.session() as s:
        if intent_id:
            found = s.exec(select(Order.id).where(Order.stripe_payment_intent_id == intent_id)).first()
            if found is not None:
                return found
        if hint is not None and s.get(Order, hint) is not None:
            return hint
    return None


# --- starting a payment -------------------------------------------------------------------------


def start_payment(order_id: int) -> PaymentStart:
    """A PaymentIntent for a pending order at the order's price: the existing one while usable."""
    order = _load_order(order_id)
    _require_pending(order)
    key = f"order-{order.client_reference}-pi"
    if order.payment_intent_id:
        current = _retrieve_intent(order.payment_intent_id)
        if _usable(current, order):
            return _payment_start(current)
        if current.status == "succeeded":
            _record_paid(order.id, current)
            raise OrderNotPayable(f"Order {order.ref} is already paid.")
        if current.status != "canceled":
            _cancel_quietly(current.id)
        key = f"{key}-after-{current.id}"  # a new intent, still one per replaced intent
    created = _create_intent(order, idempotency_key=key)
    if _store_intent(order.id, previous=order.payment_intent_id, intent_id=created.id):
        return _payment_start(created)
    return _payment_start(_winner(order_id, created))


def _usable(intent: _Intent, order: _OrderView) -> bool:
    return (intent.status in REUSABLE and intent.amount_cents == order.price_cents
            and intent.currency == order.currency)


def _create_intent(order: _OrderView, *, idempotency_key: str) -> _Intent:
    params = {  # card only: localstripe knows no automatic_payment_methods
        "amount": order.price_cents,
        "currency": order.currency.lower(),
        "payment_method_types": ["card"],
        "metadata": {"order_id": str(order.id), "order_ref": order.ref},
    }
    with _gateway("start the payment"):
        intent = stripe_client().v1.payment_intents.create(params, {"idempotency_key": idempotency_key})
    return _intent(intent)


def _winner(order_id: int, created: _Intent) -> _Intent:
    """Another call attached an intent first: use it, and cancel ours if it is a different one."""
    order = _load_order(order_id)
    _require_pending(order)
    if order.payment_intent_id == created.id:
        return created
    _cancel_quietly(created.id)
    if order.payment_intent_id is None:
        raise GatewayError("The payment could not be started. Please try again.")
    return _retrieve_intent(order.payment_intent_id)


def _payment_start(intent: _Intent) -> PaymentStart:
    return PaymentStart(intent.id, intent.client_secret, get_settings().stripe_publishable_key,
                        intent.amount_cents, intent.currency)


def _record_paid(order_id: int, intent: _Intent) -> bool:
    return orders.mark_paid(order_id, payment_intent_id=intent.id, amount_cents=intent.amount_cents,
                            currency=intent.currency)


@dataclass(frozen=True, slots=True)
class CardAttempt:
    """What happened when the customer's card was charged."""

    status: str  # "succeeded", "requires_action" (3-D Secure in the browser next) or "declined"
    client_secret: str
    message: str = ""


def pay_with_card_token(order_id: int, *, token_id: str) -> CardAttempt:
    """Charge a card tokenised in the browser (`stripe.createToken`): confirm the order's intent here.

    The card number never reaches our servers; Stripe.js turns it into a token. A declined card
    leaves the order pending with the reason, so the customer can try another card.
    """
    start = start_payment(order_id)
    client = stripe_client()
    with _gateway("read the card"):
        method = client.v1.payment_methods.create({"type": "card", "card": {"token": token_id}})
    with _gateway("charge the card"):
        try:
            client.v1.payment_intents.update(start.payment_intent_id, {"payment_method": method.id})
            confirmed = client.v1.payment_intents.confirm(start.payment_intent_id)
        except stripe.CardError as exc:
            return _declined(order_id, start, exc.user_message or "Your card was declined.")
    intent = _intent(confirmed)
    if intent.status == "succeeded":
        _record_paid(order_id, intent)
        return CardAttempt("succeeded", start.client_secret)
    if intent.status == "requires_action":
        return CardAttempt("requires_action", start.client_secret)
    error = getattr(confirmed, "last_payment_error", None)
    return _declined(order_id, start, getattr(error, "message", None) or "Your card was declined.")


def _declined(order_id: int, start: PaymentStart, message: str) -> CardAttempt:
    orders.mark_payment_failed(order_id, payment_intent_id=start.payment_intent_id, reason=message)
    return CardAttempt("declined", start.client_secret, message)


# --- the customer's return, refunds -------------------------------------------------------------


def refresh_payment(order_id: int) -> str:
    """Ask Stripe about the order's intent; mark the order paid if it succeeded. Returns its status."""
    order = _load_order(order_id)
    if not order.payment_intent_id:
        raise NoPayment(f"Order {order.ref} has no payment yet.")
    intent = _retrieve_intent(order.payment_intent_id)
    if intent.status == "succeeded":
        _record_paid(order.id, intent)
    return intent.status


def refund_payment(order_id: int, *, reason: str) -> str:
    """Refund the order's payment in full, once; returns the refund id (the caller records it)."""
    order = _load_order(order_id)
    if not order.payment_intent_id:
        raise NoPayment(f"Order {order.ref} has no payment to refund.")
    client = stripe_client()
    with _gateway("refund the payment"):
        existing = client.v1.refunds.list({"payment_intent": order.payment_intent_id, "limit": 10})
        for refund in existing.data:
            if refund.status not in ("failed", "canceled"):
                return refund.id
        refund = client.v1.refunds.create(
            {"payment_intent": order.payment_intent_id,
             "metadata": {"order_id": str(order.id), "order_ref": order.ref, "reason": reason[:500]}},
            {"idempotency_key": f"order-{order.client_reference}-refund"},
        )
    log.info("stripe: refund %s created for order %s", refund.id, order.ref)
    return refund.id


# --- webhooks -----------------------------------------------------------------------------------


def handle_webhook(payload: bytes, signature_header: str | None) -> WebhookResult:
    """Verify, record and apply one Stripe event. Replays change nothing and report `duplicate`."""
    event = _verified_event(payload, signature_header)
    action = event_action(event)
    if action.kind == "refunded" and action.refund_id is None and action.charge_id:
        action = _with_latest_refund(action)  # network: before any transaction
    return _process(str(event["id"]), str(event["type"]), action)


def _verified_event(payload: bytes, signature_header: str | None) -> dict[str, Any]:
    secret = get_settings().stripe_webhook_secret
    try:
        stripe.WebhookSignature.verify_header(payload, signature_header, secret, WEBHOOK_TOLERANCE_SECONDS)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError):
        raise InvalidSignature("The webhook signature is missing or invalid.") from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise InvalidSignature("The webhook is not a Stripe event.")
    return event


def event_action(event: Mapping[str, Any]) -> EventAction:
    """Map a verified event to what it asks of us."""
    obj = (event.get("data") or {}).get("object") or {}
    kind = event.get("type")
    if kind == "payment_intent.succeeded":
        return EventAction("paid", payment_intent_id=obj.get("id"), order_id_hint=_order_id(obj.get("metadata")),
                           amount_cents=obj.get("amount_received") or obj.get("amount"),
                           currency=str(obj.get("currency", "")).upper())
    if kind == "payment_intent.payment_failed":
        error = obj.get("last_payment_error") or {}
        return EventAction("payment_failed", payment_intent_id=obj.get("id"),
                           order_id_hint=_order_id(obj.get("metadata")),
                           reason=error.get("message") or "The payment failed.")
    if kind == "charge.refunded":
        refunds = (obj.get("refunds") or {}).get("data") or []
        latest = max(refunds, key=lambda r: r.get("created", 0), default=None)
        return EventAction(
            "refunded",
            payment_intent_id=_id_of(obj.get("payment_intent")),
            order_id_hint=_order_id(obj.get("metadata")),
            amount_cents=latest.get("amount") if latest else obj.get("amount_refunded"),
            refund_id=latest.get("id") if latest else None,
            charge_id=obj.get("id"),
        )
    return EventAction("ignored")


def _id_of(value: Any) -> str | None:
    """An id whether Stripe sent it bare or expanded."""
    return value.get("id") if isinstance(value, Mapping) else value


def _order_id(metadata: Any) -> int | None:
    raw = (metadata or {}).get("order_id") if isinstance(metadata, Mapping) else None
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


def _with_latest_refund(action: EventAction) -> EventAction:
    """Newer API versions omit `charge.refunds`: look the latest refund up."""
    with _gateway("read the refund"):
        refunds = stripe_client().v1.refunds.list({"charge": action.charge_id, "limit": 1}).data
    if not refunds:
        return action
    return dataclasses.replace(action, refund_id=refunds[0].id, amount_cents=refunds[0].amount)


def _process(event_id: str, event_type: str, action: EventAction) -> WebhookResult:
    """Record the event and apply it once: the row lock makes concurrent deliveries wait."""
    with db.session() as s, s.begin():
        s.execute(pg_insert(StripeEvent).values(event_id=event_id, type=event_type[:100])
                  .on_conflict_do_nothing(index_elements=["event_id"]))
        row = s.exec(select(StripeEvent).where(StripeEvent.event_id == event_id).with_for_update()).one()
        if row.processed_at is not None:
            return WebhookResult(event_id, event_type, duplicate=True, order_id=row.order_id, outcome=row.outcome)
        order_id = None if action.kind == "ignored" else _order_for_intent(action.payment_intent_id,
                                                                            action.order_id_hint)
        outcome, paid = _apply(action, order_id)
        row.processed_at, row.order_id, row.outcome = sa.func.now(), order_id, outcome
    log.info("stripe event %s (%s): %s", event_id, event_type, outcome)
    return WebhookResult(event_id, event_type, order_id=order_id, outcome=outcome, paid_order_ids=paid)


def _apply(action: EventAction, order_id: int | None) -> tuple[str, tuple[int, ...]]:
    """Call the order transition the event asks for; returns the outcome and the orders to fulfil."""
    if action.kind == "ignored":
        return "ignored", ()
    if order_id is None or action.payment_intent_id is None:
        log.warning("stripe %s event for unknown order (intent %s)", action.kind, action.payment_intent_id)
        return "unknown_order", ()
    if action.kind == "paid":
        try:
            changed = orders.mark_paid(order_id, payment_intent_id=action.payment_intent_id,
                                       amount_cents=int(action.amount_cents or 0), currency=action.currency or "")
        except orders.PaymentMismatch:
            log.error("stripe payment for order %s does not match its price", order_id)
            return "amount_mismatch", ()
        return ("paid", (order_id,)) if changed else ("unchanged", ())
    if action.kind == "payment_failed":
        orders.mark_payment_failed(order_id, payment_intent_id=action.payment_intent_id,
                                   reason=action.reason or "The payment failed.")
        return "payment_failed", ()
    if action.refund_id is None:
        log.warning("stripe refund event for order %s without a refund id", order_id)
        return "refund_unknown", ()
    orders.mark_refunded(order_id, refund_id=action.refund_id, amount_cents=int(action.amount_cents or 0))
    return "refunded", ()
