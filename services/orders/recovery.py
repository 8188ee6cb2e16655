"""Jobs that make sure every paid order ends completed or refunded.

- `check_pending_orders`: orders paid but never picked up, and orders left in provisioning (a crash,
  an unknown outcome, a slow provider) are handed to `orders.fulfil_paid_order`, whose guarded
  claims (`paid → provisioning`, the provisioning lease) let exactly one worker act on each.
- `retry_failed_orders`: failed orders are retried 5, 15 and 60 minutes after each failure
  (`failed → paid`, a guarded UPDATE under `FOR UPDATE SKIP LOCKED`); after the third retry fails the
  payment is refunded, the order marked refunded, and the customer told, once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable

import sqlalchemy as sa

from providers.registry import ProviderRegistry
from services.core import db
from services.core.models import Order, OrderStatus
from services.jobs.runs import JobResult
from services.orders import claims
from services.orders import emails as order_emails
from services.orders import ordering as orders
from services.orders import refund_ledger
from services.payments import refunds as card_refunds

log = logging.getLogger(__name__)

BACKOFF = tuple(dt.timedelta(minutes=m) for m in (5, 15, 60))  # wait before retry 1, 2, 3
MAX_RETRIES = len(BACKOFF)
PAID_GRACE = dt.timedelta(seconds=30)  # a paid order is the web process's for this long
REFUND_LEASE = dt.timedelta(minutes=10)  # one worker refunds an order; another may after this
CONCURRENCY = 8  # orders in flight per run


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _each(ids: Iterable[int], work: Callable[[int], Awaitable[bool]]) -> JobResult:
    """Run `work` on every id, a few at a time; True counts as processed, an exception as failed."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(order_id: int) -> JobResult:
        async with gate:
            try:
                return JobResult(processed=int(await work(order_id)))
            except Exception:
                log.exception("order %s: job step failed", order_id)
                return JobResult(failed=1)

    return sum(await asyncio.gather(*(one(i) for i in ids)), JobResult())


# --- pending orders ------------------------------------------------------------------------------


def _ids(query: sa.Select) -> list[int]:
    with db.session() as s:
        return list(s.execute(query).scalars())


async def check_pending_orders(*, registry: ProviderRegistry, now: dt.datetime | None = None,
                               limit: int = 200) -> JobResult:
    """Fulfil paid orders nobody took, and ask the provider about orders stuck in provisioning."""
    now = now or _now()
    paid = await asyncio.to_thread(_ids, sa.select(Order.id).where(Order.status == OrderStatus.PAID, Order.updated_at < now - PAID_GRACE)
                .order_by(Order.id).limit(limit))
    stuck = await asyncio.to_thread(claims.stuck_ids, limit, lease=orders.reclaim_after())  # the database's clock

    async def fulfil(order_id: int) -> bool:
        return (await orders.fulfil_paid_order(order_id, registry=registry)).changed

    async def resume(order_id: int) -> bool:
        return (await orders.fulfil_paid_order(order_id, registry=registry, resume=True)).changed

    return await _each(paid, fulfil) + await _each(stuck, resume)


# --- failed orders -------------------------------------------------------------------------------


def _backoff_sql() -> sa.Case:
    return sa.case(*((Order.retry_count == i + 1, sa.literal(delay)) for i, delay in enumerate(BACKOFF)),
                   else_=sa.literal(BACKOFF[-1]))


def _schedule_new_failures() -> None:
    """Failed orders without a retry time (failed outside this job) get one from their failure time."""
    with db.session() as s, s.begin():
        s.execute(sa.update(Order).where(
            Order.status == OrderStatus.FAILED, Order.next_retry_at.is_(None), Order.retry_count <= MAX_RETRIES,
        ).values(next_retry_at=sa.func.coalesce(Order.last_retry_at, sa.func.now()) + _backoff_sql()))


def _claim_due(now: dt.datetime, limit: int, *, refunds: bool) -> list[int]:
    """Claim due failed orders: retries go back to paid; refunds take a lease on `next_retry_at`."""
    due = sa.select(Order.id).where(
        Order.status == OrderStatus.FAILED,
        Order.retry_count > MAX_RETRIES if refunds else Order.retry_count <= MAX_RETRIES,
        sa.or_(Order.next_retry_at.is_(None), Order.next_retry_at <= now) if refunds else Order.next_retry_at <= now,
        Order.bulk_order_id.is_(None) if refunds else sa.true(),  # a bulk order's eSIMs are not card-refunded one by one
    ).order_by(Order.id).limit(limit).with_for_update(skip_locked=True).scalar_subquery()
    values = ({"next_retry_at": now + REFUND_LEASE} if refunds
              else {"status": OrderStatus.PAID, "next_retry_at": None})
    with db.session() as s, s.begin():
        return list(s.execute(sa.update(Order).where(Order.id.in_(due), Order.status == OrderStatus.FAILED)
                              .values(**values).returning(Order.id)).scalars())


def _after_retry(order_id: int, now: dt.datetime) -> None:
    """A retry that failed again waits its next delay from now (the job's clock)."""
    with db.session() as s, s.begin():
        s.execute(sa.update(Order).where(
            Order.id == order_id, Order.status == OrderStatus.FAILED, Order.retry_count <= MAX_RETRIES,
        ).values(next_retry_at=now + _backoff_sql()))


async def retry_failed_orders(*, registry: ProviderRegistry, now: dt.datetime | None = None,
                              limit: int = 100) -> JobResult:
    """Retry failed orders whose delay has passed; refund those out of retries."""
    now = now or _now()
    await asyncio.to_thread(_schedule_new_failures)

    async def retry(order_id: int) -> bool:
        result = await orders.fulfil_paid_order(order_id, registry=registry)
        if result.status == OrderStatus.FAILED:
            await asyncio.to_thread(_after_retry, order_id, now)
        return True

    async def refund(order_id: int) -> bool:
        return await asyncio.to_thread(refund_failed_order, order_id, lease=now + REFUND_LEASE)

    retried = await _each(await asyncio.to_thread(_claim_due, now, limit, refunds=False), retry)
    return retried + await _each(await asyncio.to_thread(_claim_due, now, limit, refunds=True), refund)


def refund_failed_order(order_id: int, *, lease: dt.datetime) -> bool:
    """Refund a terminally failed order in full and tell the customer; the lease makes the email once."""
    with db.session() as s:
        order = s.get(Order, order_id)
    refund_id = card_refunds.refund_payment(order_id, reason=f"not delivered: {order.failure_reason}")
    refund_ledger.mark_refunded(order_id, refund_id=refund_id, amount_cents=order.price_cents)
    with db.session() as s, s.begin():
        released = s.execute(sa.update(Order).where(Order.id == order_id, Order.next_retry_at == lease)
                             .values(next_retry_at=None).returning(Order.id)).first()
        if released is None:  # another worker took over after our lease ran out; it tells the customer
            return False
        order_emails.queue_order_undeliverable(s, order)
    log.info("order %s refunded after %d failed attempts", order.display_id, order.retry_count)
    return True
