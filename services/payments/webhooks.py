"""Stripe webhooks: verified on the raw body, recorded in `stripe_events` by id, applied once.

Events are processed under their row's lock, so a redelivered or concurrent event moves an order
once. The order transitions are `services.orders.ordering`'s guarded updates.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import stripe
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import select

from services.core import db
from services.core.models import Order, StripeEvent
from services.core.settings import get_settings
from services.orders import ordering as orders
from services.orders import payment_state
from services.orders.errors import PaymentMismatch
from services.orders import refund_ledger
from services.payments.errors import InvalidSignature, PaymentNotCompleted, declined
from services.payments.stripe_payments import gateway, stripe_client

log = logging.getLogger(__name__)

WEBHOOK_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class WebhookResult:
    event_id: str
    type: str
    duplicate: bool = False
    order_id: int | None = None
    outcome: str | None = None
    paid_order_ids: tuple[int, ...] = ()
    paid_bulk_order_ids: tuple[int, ...] = ()  # a company's bulk order paid by card: start its provisioning


@dataclass(frozen=True)
class EventAction:
    """What a Stripe event asks of us, read from its payload (no I/O)."""

    kind: str  # paid, payment_failed, refunded, ignored
    payment_intent_id: str | None = None  # the only link to an order: metadata is never trusted for that
    amount_cents: int | None = None
    currency: str | None = None
    reason: str | None = None  # a decline's stable code (a `PaymentDeclined` code)
    refund_id: str | None = None
    charge_id: str | None = None


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
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidSignature("the webhook signature is missing or invalid") from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("type") or not (
            isinstance(event.get("data"), dict) and isinstance(event["data"].get("object"), dict)):
        raise InvalidSignature("the webhook is not a Stripe event")
    return event


def event_action(event: Mapping[str, Any]) -> EventAction:
    """Map a verified event to what it asks of us."""
    obj = (event.get("data") or {}).get("object") or {}
    kind = event.get("type")
    if kind == "payment_intent.succeeded":
        return EventAction("paid", payment_intent_id=obj.get("id"),
                           amount_cents=obj.get("amount_received") or obj.get("amount"),
                           currency=str(obj.get("currency", "")).upper())
    if kind == "payment_intent.payment_failed":
        error = obj.get("last_payment_error") or {}
        return EventAction("payment_failed", payment_intent_id=obj.get("id"),
                           reason=declined(error.get("code"), error.get("decline_code")).code)
    if kind == "charge.refunded":
        refunds = (obj.get("refunds") or {}).get("data") or []
        latest = max(refunds, key=lambda r: r.get("created", 0), default=None)
        return EventAction(
            "refunded",
            payment_intent_id=_id_of(obj.get("payment_intent")),
            amount_cents=latest.get("amount") if latest else obj.get("amount_refunded"),
            refund_id=latest.get("id") if latest else None,
            charge_id=obj.get("id"),
        )
    return EventAction("ignored")


def _id_of(value: Any) -> str | None:
    """An id whether Stripe sent it bare or expanded."""
    return value.get("id") if isinstance(value, Mapping) else value


def _with_latest_refund(action: EventAction) -> EventAction:
    """Newer API versions omit `charge.refunds`: look the latest refund up."""
    with gateway("read the refund"):
        refunds = stripe_client().v1.refunds.list({"charge": action.charge_id, "limit": 1}).data
    if not refunds:
        return action
    return dataclasses.replace(action, refund_id=refunds[0].id, amount_cents=refunds[0].amount)


def _order_for_intent(intent_id: str | None) -> int | None:
    """The order holding this intent; None otherwise (an order id in the intent's metadata proves nothing)."""
    if not intent_id:
        return None
    with db.session() as s:
        return s.exec(select(Order.id).where(Order.stripe_payment_intent_id == intent_id)).first()


def _process(event_id: str, event_type: str, action: EventAction) -> WebhookResult:
    """Record the event and apply it once: the row lock makes concurrent deliveries wait."""
    with db.session() as s, s.begin():
        s.execute(pg_insert(StripeEvent).values(event_id=event_id, type=event_type[:100])
                  .on_conflict_do_nothing(index_elements=["event_id"]))
        row = s.exec(select(StripeEvent).where(StripeEvent.event_id == event_id).with_for_update()).one()
        if row.processed_at is not None:
            return WebhookResult(event_id, event_type, duplicate=True, order_id=row.order_id, outcome=row.outcome)
        order_id = None if action.kind == "ignored" else _order_for_intent(action.payment_intent_id)
        paid_bulk: tuple[int, ...] = ()
        if order_id is None and action.kind == "paid" and action.payment_intent_id:
            (outcome, paid_bulk), paid = _apply_bulk(action), ()
        else:
            outcome, paid = _apply(action, order_id)
        row.processed_at, row.order_id, row.outcome = sa.func.now(), order_id, outcome
    log.info("stripe event %s (%s): %s", event_id, event_type, outcome)
    return WebhookResult(event_id, event_type, order_id=order_id, outcome=outcome, paid_order_ids=paid,
                         paid_bulk_order_ids=paid_bulk)


def _apply_bulk(action: EventAction) -> tuple[str, tuple[int, ...]]:
    """A payment of no customer order may be a company's bulk order paid by card."""
    from services.enterprise import card as bulk_card  # local: enterprise builds on payments

    try:
        found = bulk_card.mark_paid_by_intent(str(action.payment_intent_id),
                                              amount_cents=int(action.amount_cents or 0),
                                              currency=action.currency or "")
    except PaymentNotCompleted:
        log.error("stripe payment of intent %s does not match its bulk order", action.payment_intent_id)
        return "amount_mismatch", ()
    if found.paid_order_id is not None:
        return "bulk_paid", (found.paid_order_id,)
    return ("unchanged" if found.found else "unknown_order"), ()


def _apply(action: EventAction, order_id: int | None) -> tuple[str, tuple[int, ...]]:
    """Call the order transition the event asks for; returns the outcome and the orders to fulfil."""
    if action.kind == "ignored":
        return "ignored", ()
    if order_id is None or action.payment_intent_id is None:
        log.warning("stripe %s event for unknown order (intent %s)", action.kind, action.payment_intent_id)
        return "unknown_order", ()
    if action.kind == "paid":
        try:
            changed = payment_state.mark_paid(order_id, payment_intent_id=action.payment_intent_id,
                                       amount_cents=int(action.amount_cents or 0), currency=action.currency or "")
        except PaymentMismatch:
            log.error("stripe payment for order %s does not match its price", order_id)
            return "amount_mismatch", ()
        return ("paid", (order_id,)) if changed else ("unchanged", ())
    if action.kind == "payment_failed":
        payment_state.mark_payment_failed(order_id, payment_intent_id=action.payment_intent_id,
                                   reason=action.reason or declined(None, None).code)
        return "payment_failed", ()
    if action.refund_id is None:
        log.warning("stripe refund event for order %s without a refund id", order_id)
        return "refund_unknown", ()
    refund_ledger.mark_refunded(order_id, refund_id=action.refund_id, amount_cents=int(action.amount_cents or 0))
    return "refunded", ()
