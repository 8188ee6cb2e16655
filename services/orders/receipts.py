"""A customer's receipt for one paid order: what was bought, what was paid and refunded, and who sold it.

Read scoped by the owner's id, like every account read: another customer's reference is
`OrderNotFound`, whatever the browser sends. An order that was never paid (pending, cancelled) has
no receipt (`ReceiptUnavailable`). The seller is the store's legal details from the settings staff
edit on /admin/settings, the brand name when no company name is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.core import db, format_data_size
from services.core.errors import ServiceError
from services.core.models import Order, OrderKind, OrderStatus, Package, User
from services.core.settings import get_settings
from services.orders.errors import OrderNotFound
from services.store.settings import get_store_settings

# A card payment was taken for orders in these states (failed and refunded ones were paid, then refunded).
PAID_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.PROVISIONING, OrderStatus.COMPLETED, OrderStatus.FAILED,
                           OrderStatus.REFUNDED})


class ReceiptUnavailable(ServiceError):
    """The order exists but was never paid, so there is nothing to give a receipt for."""

    code = "receipt_unavailable"


@dataclass(frozen=True, slots=True)
class Seller:
    name: str  # the registered company name, else the brand
    address_lines: tuple[str, ...]
    tax_id: str  # VAT or registration number, "" when none is set
    brand: str
    support_email: str


@dataclass(frozen=True, slots=True)
class ReceiptView:
    order_ref: str
    issued_on: str  # the day the order was placed and paid, e.g. "3 December 2026"
    seller: Seller
    customer_name: str  # "" when the profile has no name
    customer_email: str
    description: str  # "Japan 3 GB 30 days eSIM" or "... top-up"
    details: str  # "Japan · 3 GB · 30 days"
    amount_cents: int
    refunded_cents: int
    currency: str


def has_receipt(status: str) -> bool:
    return status in PAID_STATUSES


def get_receipt(user_id: int, *, order_ref: str) -> ReceiptView:
    """The receipt of one of `user_id`'s paid orders; `OrderNotFound` or `ReceiptUnavailable` otherwise."""
    with db.session() as s:
        row = s.exec(
            select(Order, Package, User).join(Package, Package.id == Order.package_id)
            .join(User, User.id == Order.user_id)
            .where(Order.user_id == user_id, Order.display_id == order_ref)
        ).first()
    if row is None:
        raise OrderNotFound(f"user {user_id} has no order {order_ref}")
    order, package, user = row
    if not has_receipt(order.status):
        raise ReceiptUnavailable(f"order {order_ref} is {order.status}: never paid")
    data = format_data_size(package.data_mb, unlimited=package.unlimited)
    kind = "top-up" if order.kind == OrderKind.TOPUP else "eSIM"
    name = " ".join(filter(None, (user.first_name, user.last_name)))
    return ReceiptView(
        order_ref=order.display_id or "",
        issued_on=order.created_at.strftime("%-d %B %Y") if order.created_at else "",
        seller=_seller(),
        customer_name=name,
        customer_email=user.email,
        description=f"{package.name} {kind}",
        details=f"{package.destination_name} · {data} · {package.validity_days} days",
        amount_cents=order.price_cents,
        refunded_cents=order.refunded_cents,
        currency=order.currency,
    )


def _seller() -> Seller:
    env, store = get_settings(), get_store_settings()
    brand = store.brand_name or env.brand_name
    return Seller(store.legal_name or brand, tuple(store.legal_address.splitlines()), store.tax_id, brand,
                  store.support_email or env.support_email)
