"""Bulk orders as the portal's use cases: place, list, read one with its progress, retry failures.

Every function takes the caller's `Identity`; the company is its `org_id`, the role is checked
here (placing and retrying: admin or operations; reading: any role of the company), and an order
reference only finds orders of the caller's company.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import (
    BulkOrder,
    BulkOrderLine,
    CompanyRole,
    EnterpriseAccount,
    Order,
    OrderStatus,
    Package,
    Role,
)
from services.core.money import format_money
from services.enterprise import bulk, provisioning
from services.enterprise.audit import record
from services.enterprise.bulk import BulkLine
from services.enterprise.errors import BulkOrderNotFound, BulkPlanUnavailable, RoleNotAllowed

ORDER_ROLES = (CompanyRole.ADMIN.value, CompanyRole.OPERATIONS.value)
BILLING_ROLES = (CompanyRole.ADMIN.value, CompanyRole.FINANCE.value)
MAX_FAILURES_SHOWN = 200


@dataclass(frozen=True, slots=True)
class LineView:
    plan_name: str
    destination_name: str
    quantity: int
    unit_price: str
    subtotal: str


@dataclass(frozen=True, slots=True)
class FailureView:
    ref: str  # the eSIM order's reference
    plan_name: str
    reason: str  # a stable code (words: esim_app/errors.py)


@dataclass(frozen=True, slots=True)
class BulkOrderView:
    id: int
    ref: str
    status: str
    payment_method: str
    total_cents: int
    currency: str
    total: str
    created: str  # YYYY-MM-DD
    quantity: int
    ready: int
    failed: int
    lines: tuple[LineView, ...] = ()
    failures: tuple[FailureView, ...] = ()

    @property
    def progress_text(self) -> str:
        return f"{self.ready} of {self.quantity}"


def company_of(identity: Identity, roles: tuple[str, ...] = ()) -> int:
    """The caller's company id, if the caller is a company user with one of `roles` (any role if empty)."""
    if identity.role != Role.ENTERPRISE or identity.org_id is None:
        raise RoleNotAllowed("not a company user")
    if roles and not set(roles) & set(identity.roles):
        raise RoleNotAllowed(f"roles {identity.roles} not in {roles}")
    return identity.org_id


def _view(s: Session, order: BulkOrder, *, detail: bool = False) -> BulkOrderView:
    state = provisioning.progress(s, order.id)  # type: ignore[arg-type]
    lines: list[LineView] = []
    quantity = 0
    for line, package in s.exec(select(BulkOrderLine, Package).join(Package, col(Package.id) == col(
            BulkOrderLine.package_id)).where(col(BulkOrderLine.bulk_order_id) == order.id)
            .order_by(col(BulkOrderLine.id))).all():
        quantity += line.quantity
        lines.append(LineView(package.name, package.destination_name, line.quantity,
                              format_money(line.unit_price_cents, order.currency),
                              format_money(line.unit_price_cents * line.quantity, order.currency)))
    failures: tuple[FailureView, ...] = ()
    if detail and state.failed:
        failures = tuple(FailureView(ref or "", name, reason or "order_not_delivered") for ref, name, reason in s.exec(
            select(Order.display_id, Package.name, Order.failure_reason)
            .join(Package, col(Package.id) == col(Order.package_id))
            .where(col(Order.bulk_order_id) == order.id, col(Order.status) == OrderStatus.FAILED)
            .order_by(col(Order.id)).limit(MAX_FAILURES_SHOWN)).all())
    return BulkOrderView(order.id, order.display_id or "", order.status, order.payment_method,  # type: ignore[arg-type]
                         order.total_cents, order.currency, format_money(order.total_cents, order.currency),
                         order.created_at.date().isoformat() if order.created_at else "", quantity,
                         state.ready, state.failed, tuple(lines) if detail else (), failures)


def place(identity: Identity, lines: list[BulkLine], *, payment: str, key: str, quote_id: int | None = None,
          ip: str | None = None) -> BulkOrderView:
    """Place (or find again, by key or quote) an order for the caller's company; commits."""
    company_id = company_of(identity, ORDER_ROLES)
    with db.session() as s, s.begin():
        order = bulk.place_bulk_order(s, company_id, identity.principal_id, lines, payment=payment, key=key,
                                      quote_id=quote_id, ip=ip)
        return _view(s, order, detail=True)


def owned(s: Session, company_id: int, order_ref: str, *, lock: bool = False) -> BulkOrder:
    query = select(BulkOrder).where(col(BulkOrder.display_id) == order_ref[:16],
                                    col(BulkOrder.enterprise_account_id) == company_id)
    order = s.exec(query.with_for_update() if lock else query).first()
    if order is None:
        raise BulkOrderNotFound(f"no bulk order {order_ref!r} in company {company_id}")
    return order


def list_orders(identity: Identity, *, limit: int = 50, offset: int = 0) -> tuple[list[BulkOrderView], int]:
    """The company's bulk orders, newest first, one page of them, and how many there are."""
    company_id = company_of(identity)
    with db.session() as s:
        where = col(BulkOrder.enterprise_account_id) == company_id
        total = int(s.exec(select(sa.func.count()).select_from(BulkOrder).where(where)).one())
        orders = s.exec(select(BulkOrder).where(where).order_by(col(BulkOrder.id).desc())
                        .offset(max(0, offset)).limit(max(1, min(limit, 100)))).all()
        return [_view(s, order) for order in orders], total


def get_order(identity: Identity, order_ref: str) -> BulkOrderView:
    company_id = company_of(identity)
    with db.session() as s:
        return _view(s, owned(s, company_id, order_ref), detail=True)


def retry_failed(identity: Identity, order_ref: str, *, ip: str | None = None) -> tuple[BulkOrderView, int]:
    """Put the order's failed eSIMs back in the queue (start provisioning after this returns)."""
    company_id = company_of(identity, ORDER_ROLES)
    with db.session() as s, s.begin():
        order = owned(s, company_id, order_ref, lock=True)
        count = provisioning.requeue_failed(s, order)
        if count:
            record(s, company_id, actor_id=identity.principal_id, action="bulk_order_retry", entity_id=order.id,  # type: ignore[arg-type]
                   ip=ip, details={"order": order.display_id, "esims": count})
        return _view(s, order, detail=True), count


# -- the order form -------------------------------------------------------------------------------

MAX_PLAN_OPTIONS = 200


@dataclass(frozen=True, slots=True)
class PlanOption:
    package_id: int
    label: str  # destination · data · days
    price: str  # list price


@dataclass(frozen=True, slots=True)
class PricePreview:
    unit_price: str
    total: str
    discount_percent: str  # "" without a tier


def _data_words(package: Package) -> str:
    if package.unlimited or package.data_mb is None:
        return "Unlimited"
    return f"{package.data_mb // 1024} GB" if package.data_mb % 1024 == 0 else f"{package.data_mb} MB"


def plan_options(identity: Identity, search: str = "") -> list[PlanOption]:
    """Plans the company can order (the storefront's best offers), filtered by destination name."""
    company_id = company_of(identity)
    with db.session() as s:
        currency = s.get(EnterpriseAccount, company_id).currency  # type: ignore[union-attr]
        query = select(Package).where(col(Package.is_enabled), col(Package.is_best_price), ~col(Package.is_topup),
                                      col(Package.vanished_at).is_(None), col(Package.currency) == currency)
        if search.strip():
            query = query.where(col(Package.destination_name).ilike(f"%{search.strip()[:60]}%"))
        rows = s.exec(query.order_by(col(Package.destination_name), col(Package.price_cents))
                      .limit(MAX_PLAN_OPTIONS)).all()
    return [PlanOption(p.id, f"{p.destination_name} · {_data_words(p)} · {p.validity_days} days",  # type: ignore[arg-type]
                       format_money(p.price_cents, p.currency)) for p in rows]


def price_preview(identity: Identity, package_id: int, quantity: int) -> PricePreview:
    """What one line would cost at list price less the company's volume tier for that quantity."""
    company_id = company_of(identity)
    with db.session() as s:
        package = s.get(Package, package_id)
        if package is None or not package.is_enabled or package.vanished_at is not None or package.is_topup:
            raise BulkPlanUnavailable(f"package {package_id}")
        discount = bulk.tier_discount_bp(s, company_id, max(1, quantity))
    unit = bulk.tier_price(package.price_cents, discount)
    return PricePreview(format_money(unit, package.currency), format_money(unit * max(1, quantity), package.currency),
                        f"{discount / 100:g}" if discount else "")
