"""Placing a company's bulk order: prices, volume tiers, payment on account or by card, idempotency.

`place_bulk_order` is the one way in (the portal, the quotes' "accept" and the business API call
it). It runs in the caller's transaction with the company row locked, so for one company it is
serialised: a second call with the same idempotency key, or for the same quote, finds the first
call's order and returns it (double clicks and two browsers give one order), and a charge on
account is checked against the credit still available and written before the lock is released.

An order paid on account is charged to the ledger and its eSIMs are queued at once; an order by
card waits (`pending`) for its PaymentIntent (`services.enterprise.card`). Queuing creates one paid
`Order` per eSIM (`client_reference` = the bulk order's reference and the eSIM's number), which the
orders domain fulfils exactly once (`services.enterprise.provisioning`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session, col, select

from services.core.models import (
    BulkOrder,
    BulkOrderLine,
    BulkOrderStatus,
    BulkPayment,
    EnterpriseAccount,
    Order,
    OrderKind,
    OrderStatus,
    Package,
    VolumeTier,
)
from services.enterprise import ledger
from services.enterprise.audit import record
from services.enterprise.errors import BulkPlanUnavailable, InvalidBulkOrder

MAX_LINES = 20
MAX_QUANTITY = 5_000  # eSIMs in one bulk order
MAX_KEY = 64
INSERT_CHUNK = 1_000  # rows per INSERT (bound parameters stay far below PostgreSQL's limit)


@dataclass(frozen=True, slots=True)
class BulkLine:
    """One plan of an order. `unit_price_cents=None`: the list price less the company's volume tier
    (computed here); a quote passes its quoted price. Never pass a price a browser sent."""

    package_id: int
    quantity: int
    unit_price_cents: int | None = None


def tier_discount_bp(s: Session, company_id: int, quantity: int) -> int:
    """The best volume discount (basis points) the company has for an order of `quantity` eSIMs."""
    found = s.exec(select(VolumeTier.discount_bp).where(col(VolumeTier.enterprise_account_id) == company_id,
                                                        col(VolumeTier.min_quantity) <= quantity)
                   .order_by(col(VolumeTier.min_quantity).desc()).limit(1)).first()
    return int(found or 0)


def tier_price(list_price_cents: int, discount_bp: int) -> int:
    """List price less `discount_bp` basis points, rounded half up to the cent."""
    return (list_price_cents * (10_000 - discount_bp) + 5_000) // 10_000


def _existing(s: Session, company_id: int, key: str, quote_id: int | None) -> BulkOrder | None:
    match = col(BulkOrder.idempotency_key) == key
    if quote_id is not None:
        match = sa.or_(match, col(BulkOrder.quote_id) == quote_id)
    return s.exec(select(BulkOrder).where(col(BulkOrder.enterprise_account_id) == company_id, match)
                  .order_by(col(BulkOrder.id)).limit(1)).first()


def _check(lines: list[BulkLine], payment: str, key: str) -> None:
    total = sum(line.quantity for line in lines if isinstance(line.quantity, int))
    if (not lines or len(lines) > MAX_LINES or payment not in tuple(BulkPayment) or not key or len(key) > MAX_KEY
            or any(not isinstance(line.quantity, int) or line.quantity < 1 for line in lines)
            or total > MAX_QUANTITY
            or any(line.unit_price_cents is not None and line.unit_price_cents < 0 for line in lines)):
        raise InvalidBulkOrder(f"{len(lines)} lines, {total} eSIMs, payment {payment!r}")


def _priced(s: Session, company: EnterpriseAccount, lines: list[BulkLine]) -> list[tuple[Package, int, int]]:
    """(package, quantity, unit price) per line, each plan on sale and in the company's currency."""
    discount = tier_discount_bp(s, company.id, sum(line.quantity for line in lines))  # type: ignore[arg-type]
    priced = []
    for line in lines:
        package = s.get(Package, line.package_id)
        if (package is None or not package.is_enabled or package.is_topup or package.vanished_at is not None
                or package.currency != company.currency):
            raise BulkPlanUnavailable(f"package {line.package_id} is not on sale to company {company.id}")
        unit = line.unit_price_cents if line.unit_price_cents is not None else tier_price(package.price_cents,
                                                                                          discount)
        priced.append((package, line.quantity, unit))
    return priced


def place_bulk_order(s: Session, company_id: int, user_id: int | None, lines: list[BulkLine], *, payment: str,
                     key: str, quote_id: int | None = None, ip: str | None = None) -> BulkOrder:
    """Create (or find, by `key` or `quote_id`) the company's bulk order, in the caller's transaction.

    On account the total is charged to the ledger within the available credit (`CreditLimitExceeded`
    otherwise) and the eSIMs are queued for provisioning; start it after the commit
    (`provisioning.provision_in_background`). By card the order waits for its payment. Raises
    `CompanyInactive`, `InvalidBulkOrder`, `BulkPlanUnavailable`.
    """
    _check(lines, payment, key)
    company = ledger.lock_company(s, company_id)
    found = _existing(s, company_id, key, quote_id)
    if found is not None:
        return found
    priced = _priced(s, company, lines)
    order = BulkOrder(enterprise_account_id=company_id, created_by=user_id, quote_id=quote_id,
                      total_cents=sum(q * unit for _, q, unit in priced), currency=company.currency,
                      payment_method=payment, status=BulkOrderStatus.PENDING, idempotency_key=key)
    s.add(order)
    s.flush()
    for package, quantity, unit in priced:
        s.add(BulkOrderLine(bulk_order_id=order.id, package_id=package.id, quantity=quantity,  # type: ignore[arg-type]
                            unit_price_cents=unit))
    s.flush()
    s.refresh(order)  # the database filled in the reference
    record(s, company_id, actor_id=user_id, action="bulk_order_placed", entity_id=order.id, ip=ip,  # type: ignore[arg-type]
           details={"order": order.display_id, "total_cents": order.total_cents, "payment": payment,
                    "esims": sum(q for _, q, _ in priced), "quote_id": quote_id})
    if payment == BulkPayment.ACCOUNT:
        ledger.charge(s, company, order.total_cents, bulk_order_id=order.id, user_id=user_id,  # type: ignore[arg-type]
                      note=f"Bulk order {order.display_id}")
        queue_esims(s, order)
    return order


def queue_esims(s: Session, order: BulkOrder) -> int:
    """Paid: one paid `Order` per eSIM, or per eSIM topped up (idempotent on their client references);
    → provisioning."""
    lines = s.exec(select(BulkOrderLine, Package).join(Package, col(Package.id) == col(BulkOrderLine.package_id))
                   .where(col(BulkOrderLine.bulk_order_id) == order.id).order_by(col(BulkOrderLine.id))).all()
    rows, number = [], 0
    for line, package in lines:
        topped_up = line.topup_esim_ids or [None] * line.quantity
        for esim_id in topped_up:
            number += 1
            rows.append({"kind": (OrderKind.ESIM if esim_id is None else OrderKind.TOPUP).value,
                         "enterprise_account_id": order.enterprise_account_id, "topup_of_esim_id": esim_id,
                         "bulk_order_id": order.id, "package_id": package.id, "quantity": 1,
                         "client_reference": f"{order.display_id}-{number:05d}", "cost_micros": package.cost_micros,
                         "price_cents": line.unit_price_cents, "currency": order.currency,
                         "status": OrderStatus.PAID.value, "payment_status": order.payment_method})
    for start in range(0, len(rows), INSERT_CHUNK):
        s.execute(pg_insert(Order).values(rows[start:start + INSERT_CHUNK])
                  .on_conflict_do_nothing(index_elements=["client_reference"]))
    order.status = BulkOrderStatus.PROVISIONING
    order.paid_at = order.paid_at or dt.datetime.now(dt.UTC)
    s.add(order)
    s.flush()
    return number
