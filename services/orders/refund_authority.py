"""Who on the staff may refund how much: the one check every staff refund path calls.

Owners and operations staff may refund any paid order; support staff only up to the store's
support refund limit (`refunds.support_limit_cents`, in the store currency; an amount of an order in
another currency is converted at the rate the order was priced at);
finance staff and disabled accounts may not refund at all. It is called by the administrator's
refund (`refunds.refund_order_as_admin`) and by approving a refund request in review
(`refund_review.decide_refund_request`), with the amount about to go back to the card.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from sqlmodel import select

from services.core import db
from services.core.models import Admin, Order, StaffRole
from services.core.money import format_money
from services.orders.errors import NotAnAdministrator, OrderNotFound, RefundAboveLimit
from services.store.settings import STORE_CURRENCY, get_store_settings

UNLIMITED = (StaffRole.OWNER.value, StaffRole.OPERATIONS.value)
LIMITED = (StaffRole.SUPPORT.value,)


def in_store_currency(amount_cents: int, *, price_cents: int, base_price_cents: int) -> int:
    """`amount_cents` of an order's currency in store-currency cents at the order's own rate, rounded up."""
    if price_cents == base_price_cents:
        return amount_cents
    return int((Decimal(amount_cents) * base_price_cents / max(price_cents, 1)).to_integral_value(rounding=ROUND_CEILING))


def authorise_staff_refund(admin_id: int, *, order_ref: str, amount_cents: int | None = None) -> None:
    """Raise unless staff account `admin_id` may refund `amount_cents` (default: the order's price) of
    order `order_ref`: `NotAnAdministrator` (inactive, or a role that does not refund) or
    `RefundAboveLimit` (support staff above the limit)."""
    with db.session() as s:
        admin = s.get(Admin, admin_id)
        found = s.exec(select(Order.price_cents, Order.base_price_cents)
                       .where(Order.display_id == (order_ref or "").strip().upper())).first()
    if admin is None or not admin.is_active or admin.staff_role not in UNLIMITED + LIMITED:
        raise NotAnAdministrator(f"admin {admin_id} is unknown, inactive or may not refund")
    if found is None:
        raise OrderNotFound(f"no order {order_ref}")
    if admin.staff_role in UNLIMITED:
        return
    settings = get_store_settings()
    amount = found[0] if amount_cents is None else amount_cents
    if in_store_currency(amount, price_cents=found[0], base_price_cents=found[1]) > settings.support_refund_limit_cents:
        limit = format_money(settings.support_refund_limit_cents, STORE_CURRENCY)
        raise RefundAboveLimit(f"admin {admin_id} (support) may refund at most {limit}; order {order_ref}",
                               limit=limit)
