"""A customer's receipt for one paid order: what was bought, what was paid and refunded, and who sold it.

In the customer's language (their profile's): the plan's words, the date and the amounts as they
read them; the PDF (`receipt_pdf`) words its labels in the same language.

Read scoped by the owner's id, like every account read: another customer's reference is
`OrderNotFound`, whatever the browser sends. An order that was never paid (pending, cancelled) has
no receipt (`ReceiptUnavailable`). The seller is the store's legal details from the settings staff
edit on /admin/settings, the brand name when no company name is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.core import DEFAULT_LANGUAGE, days_text, db, format_data_size, format_date, is_language
from services.core import place_name, translate
from services.core.localize import package_title
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
class ReceiptLine:
    description: str  # "eSIM Japan 3 GB · 30 days" or "Top-up ..."
    details: str  # "Japan · 3 GB · 30 days"
    quantity: int
    amount_cents: int  # the line's total


@dataclass(frozen=True, slots=True)
class ReceiptView:
    lang: str  # the buyer's language: every text here is in it, and the PDF's labels
    order_ref: str
    issued_on: str  # the day the order was placed and paid, e.g. "3 December 2026"
    seller: Seller
    buyer: tuple[str, ...]  # the "Billed to" lines: a customer's name and email, or a company's
    lines: tuple[ReceiptLine, ...]
    amount_cents: int  # the total
    refunded_cents: int  # refunded to the card, or credited to a company's account
    currency: str
    on_account: bool = False  # charged to a company's account (an invoice to pay), not paid by card


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
    lang = user.language if is_language(user.language or "") else DEFAULT_LANGUAGE
    title = package_title(package, lang)
    kind = translate(lang, "Top-up {plan}", plan=title) if order.kind == OrderKind.TOPUP else translate(
        lang, "eSIM {plan}", plan=title)
    name = " ".join(filter(None, (user.first_name, user.last_name)))
    return ReceiptView(
        lang=lang,
        order_ref=order.display_id or "",
        issued_on=format_date(order.created_at, lang, form="long") if order.created_at else "",
        seller=store_seller(),
        buyer=(name, user.email) if name else (user.email,),
        lines=(ReceiptLine(kind, package_details(package, lang), 1, order.price_cents),),
        amount_cents=order.price_cents,
        refunded_cents=order.refunded_cents,
        currency=order.currency,
    )


def package_details(package: Package, lang: str) -> str:
    """A receipt line's second row: "Japan · 3 GB · 30 days", in `lang`."""
    place = place_name(lang, package.kind, package.destination_code, package.destination_name)
    data = format_data_size(package.data_mb, unlimited=package.unlimited, lang=lang)
    return f"{place} · {data} · {days_text(lang, package.validity_days)}"


def store_seller() -> Seller:
    """The store as the seller on every receipt: its legal details from /admin/settings."""
    env, store = get_settings(), get_store_settings()
    brand = store.brand_name or env.brand_name
    return Seller(store.legal_name or brand, tuple(store.legal_address.splitlines()), store.tax_id, brand,
                  store.support_email or env.support_email)
