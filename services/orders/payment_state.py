"""An order's payment state, as Stripe reports it: paid (once), or a declined attempt (the order stays pending)."""

from __future__ import annotations

import sqlalchemy as sa

from services.core import db
from services.core.models import AuditLog, Order, OrderStatus
from services.orders.errors import OrderNotFound, PaymentMismatch


def mark_paid(order_id: int, *, payment_intent_id: str, amount_cents: int, currency: str) -> bool:
    """pending → paid. True only for the call that made the change."""
    with db.session() as s, s.begin():
        order = s.get(Order, order_id)
        if order is None:
            raise OrderNotFound(f"order {order_id} does not exist")
        if amount_cents != order.price_cents or currency.upper() != order.currency.upper():
            raise PaymentMismatch(
                f"order {order.display_id} costs {order.price_cents} {order.currency}, paid {amount_cents} {currency}"
            )
        result = s.execute(
            sa.update(Order)
            .where(Order.id == order_id, Order.status == OrderStatus.PENDING)
            .values(status=OrderStatus.PAID, payment_status="succeeded", stripe_payment_intent_id=payment_intent_id,
                    failure_reason=None)
        )
        changed = result.rowcount == 1
        if changed:
            s.add(AuditLog(actor_type="system", action="order.paid", entity_type="order",
                           entity_id=order.display_id or str(order_id), details={"payment_intent": payment_intent_id}))
    return changed


def mark_payment_failed(order_id: int, *, payment_intent_id: str, reason: str) -> None:
    """A declined payment: the order stays pending so the customer can try another card.

    `reason` is the decline's stable code (a `services.payments.errors.PaymentDeclined` code).
    """
    with db.session() as s, s.begin():
        s.execute(
            sa.update(Order)
            .where(Order.id == order_id, Order.status == OrderStatus.PENDING)
            .values(payment_status="failed", failure_reason=reason[:500], stripe_payment_intent_id=payment_intent_id)
        )
