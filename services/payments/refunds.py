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
