"""The refunds of an order's payment as Stripe reports them: each counted once, by its refund id.

An order is `refunded` only when its refunds add up to its price; a partial refund records the
amount (`orders.refunded_cents`, `payment_status = partially_refunded`) and leaves the status alone.
Our own refunds and Stripe's `charge.refunded` webhooks report the same refund; the id keeps it once.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.core import db
from services.core.models import AuditLog, Order, OrderStatus, PaymentRefund
from services.orders.errors import OrderNotFound


def mark_refunded(order_id: int, *, refund_id: str, amount_cents: int) -> bool:
    """Count a Stripe refund once (by id); the order turns refunded only when refunds reach its price."""
    with db.session() as s, s.begin():
        order = s.get(Order, order_id, with_for_update=True)
        if order is None:
            raise OrderNotFound(f"order {order_id} does not exist")
        amount = max(0, amount_cents)
        new = pg_insert(PaymentRefund).values(refund_id=refund_id, order_id=order_id, amount_cents=amount)
        if s.execute(new.on_conflict_do_nothing().returning(PaymentRefund.refund_id)).first() is None:
            return False
        order.refunded_cents = min(order.price_cents, order.refunded_cents + amount)
        full = order.refunded_cents >= order.price_cents
        order.payment_status = "refunded" if full else "partially_refunded"
        if full:
            order.status = OrderStatus.REFUNDED
        s.add(AuditLog(actor_type="system", action="order.refunded" if full else "order.partially_refunded",
                       entity_type="order", entity_id=order.display_id or str(order_id),
                       details={"refund": refund_id, "amount_cents": amount, "refunded_cents": order.refunded_cents}))
    return True
