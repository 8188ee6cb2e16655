"""Card refunds of an order's payment, once per order whatever the number of calls."""

from __future__ import annotations

import logging

from services.payments.errors import NoPayment
from services.payments.stripe_payments import gateway, load_order, stripe_client

log = logging.getLogger(__name__)


def refund_payment(order_id: int, *, reason: str) -> str:
    """Refund the order's payment in full, once; returns the refund id (the caller records it)."""
    order = load_order(order_id)
    if not order.payment_intent_id:
        raise NoPayment(f"order {order.ref} has no payment to refund")
    client = stripe_client()
    with gateway("refund the payment"):
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


def refund_part(order_id: int, *, amount_cents: int, key: str, reason: str) -> str:
    """Refund `amount_cents` of the order's payment (a staff member's partial refund); returns the refund id.

    `key` names this one refund (the staff action's key): Stripe's idempotency key is derived from
    it, so a retried call returns the same refund rather than a second one.
    """
    order = load_order(order_id)
    if not order.payment_intent_id:
        raise NoPayment(f"order {order.ref} has no payment to refund")
    with gateway("refund part of the payment"):
        refund = stripe_client().v1.refunds.create(
            {"payment_intent": order.payment_intent_id, "amount": amount_cents,
             "metadata": {"order_id": str(order.id), "order_ref": order.ref, "reason": reason[:500]}},
            {"idempotency_key": f"order-{order.client_reference}-refund-{key}"[:255]},
        )
    log.info("stripe: refund %s of %d created for order %s", refund.id, amount_cents, order.ref)
    return refund.id
