"""One order as staff see it: customer or company, plan, provider, prices, cost and margin, the eSIMs
(ICCID, status, usage; never the activation secret), what staff may do now, and the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from providers.specs import provider_name, spec_for
from services.admin.timeline import OrderKey, TimelineEvent, order_timeline
from services.catalog.pricing import MICROS_PER_CENT, UnknownCurrency, cost_in_store_micros
from services.core import db
from services.core.models import EnterpriseAccount, Esim, Order, OrderKind, OrderStatus, Package, User
from services.orders.errors import OrderNotFound
from services.orders.refunds import ADMIN_REFUNDABLE
from services.store.settings import StoreSettings, get_store_settings

RETRYABLE = (OrderStatus.FAILED, OrderStatus.PAID, OrderStatus.PROVISIONING)
FAILOVER_FROM = (OrderStatus.FAILED, OrderStatus.PAID)


@dataclass(frozen=True, slots=True)
class EsimView:
    ref: str
    iccid: str
    status: str
    used_mb: int
    total_mb: int | None
    unlimited: bool
    expires_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Alternative:
    """An equivalent offer of another provider, for a failover: its cost against our price."""

    package_id: int
    provider_id: str
    provider_name: str
    cost_cents: int | None  # in the store currency; None without an exchange rate
    margin_cents: int | None  # against the order's price in the store currency
    keeps_floor: bool  # margin at least the store's minimum margin


@dataclass(frozen=True, slots=True)
class OrderDetail:
    ref: str
    status: str
    kind: str
    created_at: dt.datetime
    customer_email: str
    customer_ref: str
    company_name: str
    plan_name: str
    destination_name: str
    provider_id: str
    provider_name: str
    provider_order_id: str
    price_cents: int  # in `currency`, as charged
    currency: str
    base_price_cents: int  # the price in USD cents at the order's rate; cost and margins are in USD
    cost_cents: int | None
    margin_cents: int | None
    refunded_cents: int
    payment_intent_id: str
    payment_status: str
    failure_reason: str
    retry_count: int
    esims: tuple[EsimView, ...]
    alternatives: tuple[Alternative, ...]
    min_margin_cents: int
    can_retry: bool
    can_failover: bool
    can_refund: bool
    can_resend: bool
    can_cancel: bool
    timeline: tuple[TimelineEvent, ...]


def cost_cents(cost_micros: int, currency: str, settings: StoreSettings) -> int | None:
    """A provider cost in store-currency cents (rounded up), or None without a rate for its currency."""
    try:
        return -(-cost_in_store_micros(cost_micros, currency, settings) // MICROS_PER_CENT)
    except UnknownCurrency:
        return None


def supports_cancel(provider_id: str | None) -> bool:
    try:
        return bool(provider_id) and spec_for(provider_id).capabilities.cancel  # type: ignore[arg-type]
    except KeyError:
        return False


def alternatives(s: Session, order: Order, package: Package, settings: StoreSettings) -> tuple[Alternative, ...]:
    """Other providers' live offers in the order's group, cheapest first (one per provider); none for a
    top-up, which only the provider that issued its eSIM can apply."""
    if order.topup_of_esim_id is not None:
        return ()
    rows = s.exec(select(Package).where(Package.group_key == package.group_key, col(Package.vanished_at).is_(None),
                                        Package.provider_id != (order.provider_id or package.provider_id))
                  .order_by(col(Package.cost_micros), col(Package.id))).all()
    found: dict[str, Alternative] = {}
    for p in rows:
        if p.provider_id in found:
            continue
        cost = cost_cents(p.cost_micros * order.quantity, p.cost_currency, settings)
        margin = None if cost is None else order.base_price_cents - cost  # type: ignore[operator]
        found[p.provider_id] = Alternative(p.id, p.provider_id, provider_name(p.provider_id), cost, margin,  # type: ignore[arg-type]
                                           margin is not None and margin >= settings.min_margin_cents)
    return tuple(found.values())


def _esims(s: Session, order_id: int) -> tuple[EsimView, ...]:
    rows = s.exec(select(Esim).where(Esim.order_id == order_id).order_by(col(Esim.id))).all()
    return tuple(EsimView(e.display_id or "", e.iccid, e.status, e.used_mb, e.total_mb, e.unlimited, e.expires_at)
                 for e in rows)


def get_order_detail(order_ref: str) -> OrderDetail:
    """The order with reference `order_ref` (any customer's); `OrderNotFound` otherwise."""
    settings = get_store_settings()
    with db.session() as s:
        order = s.exec(select(Order).where(Order.display_id == (order_ref or "").strip().upper())).first()
        if order is None:
            raise OrderNotFound(f"no order {order_ref}")
        package = s.get(Package, order.package_id)
        user = s.get(User, order.user_id) if order.user_id else None
        company = s.get(EnterpriseAccount, order.enterprise_account_id) if order.enterprise_account_id else None
        others = alternatives(s, order, package, settings)  # type: ignore[arg-type]
        esims = _esims(s, order.id)  # type: ignore[arg-type]
        key = OrderKey(order.id, order.display_id, order.created_at, order.currency,  # type: ignore[arg-type]
                       user.email if user else "", order.client_reference, order.provider_order_id or "")
        timeline = tuple(order_timeline(s, key))
    cost = cost_cents(order.cost_micros, package.cost_currency, settings)  # type: ignore[union-attr]
    status = order.status
    return OrderDetail(
        order.display_id, status, order.kind, order.created_at, user.email if user else "",  # type: ignore[arg-type]
        user.display_id if user else "", company.company_name if company else "", package.name,  # type: ignore[union-attr, arg-type]
        package.destination_name, order.provider_id or "", provider_name(order.provider_id or ""),
        order.provider_order_id or "",  # type: ignore[union-attr]
        order.price_cents, order.currency, order.base_price_cents, cost,  # type: ignore[arg-type]
        None if cost is None else order.base_price_cents - cost,  # type: ignore[operator]
        order.refunded_cents, order.stripe_payment_intent_id or "", order.payment_status or "",
        order.failure_reason or "", order.retry_count, esims, others, settings.min_margin_cents,
        can_retry=status in RETRYABLE,
        can_failover=status in FAILOVER_FROM and any(a.keeps_floor for a in others),
        can_refund=status in ADMIN_REFUNDABLE and bool(order.stripe_payment_intent_id)
        and order.refunded_cents < order.price_cents,
        can_resend=status == OrderStatus.COMPLETED and order.kind == OrderKind.ESIM and user is not None,
        can_cancel=status == OrderStatus.COMPLETED and supports_cancel(order.provider_id)
        and any(e.status != "cancelled" for e in esims),
        timeline=timeline,
    )
