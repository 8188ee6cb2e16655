"""Buying a bulk order's eSIMs in the background, with the orders domain's fulfilment.

Each eSIM is an ordinary paid `Order` (`orders.bulk_order_id`); `ordering.fulfil_paid_order`
claims it with a guarded update, buys it under its own `client_reference` (a retry or a second
worker never buys twice), fails over to an equivalent offer of another provider, and leaves it
failed for the retry job when no provider delivers. The provider clients' rate limiters pace the
calls; `CONCURRENCY` only bounds how many wait at once. When no eSIM of the order is left to
buy, the bulk order becomes `completed` (or `failed` if some could not be delivered) and the
company is emailed, once (a guarded update on the bulk order's status).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from providers.registry import ProviderRegistry
from services.core import db
from services.core.models import BulkOrder, BulkOrderStatus, EnterpriseAccount, Order, OrderStatus
from services.core.provider_runtime import get_registry
from services.core.settings import get_settings
from services.notifications import enqueue_email
from services.orders import ordering

log = logging.getLogger(__name__)

CONCURRENCY = 32  # eSIM orders in flight per bulk order (the providers' rate limits set the pace)
OPEN = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PROVISIONING)

_background: set[asyncio.Task] = set()


@dataclass(frozen=True, slots=True)
class Progress:
    total: int
    ready: int
    failed: int

    @property
    def open(self) -> int:
        return self.total - self.ready - self.failed


def progress(s: Session, bulk_order_id: int) -> Progress:
    """How many of the order's eSIMs are delivered, failed, or still on their way (one query)."""
    rows = s.exec(select(Order.status, sa.func.count()).where(col(Order.bulk_order_id) == bulk_order_id)
                  .group_by(Order.status)).all()
    counts = {status: int(n) for status, n in rows}
    total = sum(counts.values())
    ready = counts.get(OrderStatus.COMPLETED, 0)
    failed = sum(n for status, n in counts.items() if status not in OPEN and status != OrderStatus.COMPLETED)
    return Progress(total, ready, failed)


def _paid_rows(bulk_order_id: int) -> list[int]:
    with db.session() as s:
        return list(s.exec(select(Order.id).where(col(Order.bulk_order_id) == bulk_order_id,
                                                  col(Order.status) == OrderStatus.PAID).order_by(col(Order.id))))


async def provision(bulk_order_id: int, *, registry: ProviderRegistry,
                    concurrency: int = CONCURRENCY) -> Progress:
    """Fulfil every paid eSIM of the bulk order, then close it if nothing is left open."""
    ids = await asyncio.to_thread(_paid_rows, bulk_order_id)
    gate = asyncio.Semaphore(concurrency)

    async def one(order_id: int) -> None:
        async with gate:
            try:
                await ordering.fulfil_paid_order(order_id, registry=registry)
            except Exception:  # the order stays paid or provisioning; the pending-orders job resumes it
                log.exception("bulk order %s: eSIM order %s crashed", bulk_order_id, order_id)

    await asyncio.gather(*(one(order_id) for order_id in ids))
    return await asyncio.to_thread(finish_if_done, bulk_order_id)


def provision_in_background(bulk_order_ids: list[int]) -> None:
    """Start provisioning on the running event loop (the web process); the jobs pick up what a crash leaves."""
    for bulk_order_id in bulk_order_ids:
        task = asyncio.get_running_loop().create_task(_provision_logged(bulk_order_id))
        _background.add(task)
        task.add_done_callback(_background.discard)


async def _provision_logged(bulk_order_id: int) -> None:
    try:
        await provision(bulk_order_id, registry=get_registry())
    except Exception:
        log.exception("bulk order %s: provisioning crashed", bulk_order_id)


def finish_if_done(bulk_order_id: int) -> Progress:
    """provisioning → completed / failed when no eSIM is open; emails the company once."""
    with db.session() as s, s.begin():
        state = progress(s, bulk_order_id)
        if state.open or state.total == 0:
            return state
        final = BulkOrderStatus.COMPLETED if state.failed == 0 else BulkOrderStatus.FAILED
        was = s.exec(select(BulkOrder.status).where(col(BulkOrder.id) == bulk_order_id).with_for_update()).one()
        if was not in (BulkOrderStatus.PROVISIONING, BulkOrderStatus.FAILED) or was == final:
            return state
        s.execute(sa.update(BulkOrder).where(col(BulkOrder.id) == bulk_order_id)
                  .values(status=final, completed_at=sa.func.now()))
        if was == BulkOrderStatus.PROVISIONING:  # the retry job completing a failed order's last eSIMs: no new email
            _email_done(s, bulk_order_id, state)
    return state


def _email_done(s: Session, bulk_order_id: int, state: Progress) -> None:
    order = s.get(BulkOrder, bulk_order_id)
    company = s.get(EnterpriseAccount, order.enterprise_account_id)  # type: ignore[union-attr]
    base = get_settings().public_url.rstrip("/")
    enqueue_email(s, to=company.contact_email, template="bulk_order_done", context={  # type: ignore[union-attr]
        "order_ref": order.display_id, "company_name": company.company_name,  # type: ignore[union-attr]
        "ready": state.ready, "total": state.total, "failed": state.failed,
        "order_url": f"{base}/business/orders/{order.display_id}",  # type: ignore[union-attr]
    })


def requeue_failed(s: Session, order: BulkOrder) -> int:
    """Failed eSIMs of the order go back to paid with a fresh retry budget; the order reopens. Returns how many."""
    changed = s.execute(sa.update(Order).where(col(Order.bulk_order_id) == order.id,
                                               col(Order.status) == OrderStatus.FAILED)
                        .values(status=OrderStatus.PAID, retry_count=0, next_retry_at=None, failure_reason=None)
                        .returning(Order.id)).all()
    if changed:
        order.status = BulkOrderStatus.PROVISIONING
        order.completed_at = None
        s.add(order)
    return len(changed)


def sweep() -> int:
    """Close bulk orders whose eSIMs the order jobs finished (after a crash, or retries of failed eSIMs):
    a step of the pending-orders job. Returns how many orders have nothing left open."""
    with db.session() as s:
        ids = list(s.exec(select(BulkOrder.id).where(
            col(BulkOrder.status).in_([BulkOrderStatus.PROVISIONING, BulkOrderStatus.FAILED]))))
    return sum(1 for bulk_order_id in ids if not finish_if_done(bulk_order_id).open)
