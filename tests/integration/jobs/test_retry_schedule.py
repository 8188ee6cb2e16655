"""Failed orders: retried 5, 15 and 60 minutes after each failure, then refunded once and the customer told."""

from __future__ import annotations

import asyncio
import datetime as dt

import sqlalchemy as sa
from sqlmodel import select

from services.core import db
from services.core.models import EmailOutbox, Order, Package
from services.orders import ordering as orders
from services.orders.recovery import retry_failed_orders
from services.payments import stripe_payments as payments
from tests.integration.jobs.conftest import offers, paid_order


def _order(order_id: int) -> Order:
    with db.session() as s:
        return s.get(Order, order_id)  # type: ignore[return-value]


def _refuse_everywhere(sandbox, package: Package) -> None:
    """Every provider reports the plan's offers out of stock (a permanent refusal)."""
    with db.session() as s:
        group = s.exec(select(Package).where(Package.group_key == package.group_key)).all()
    for provider in sandbox.apps:
        sandbox.sim(provider).faults.failing_package_ids = {p.provider_package_id for p in group}


def _emails(order: Order) -> int:
    with db.session() as s:
        return s.execute(sa.select(sa.func.count()).select_from(EmailOutbox).where(
            EmailOutbox.template == "order_undeliverable", EmailOutbox.text_body.contains(order.display_id))).scalar()


async def test_retries_after_5_15_60_minutes_then_refunds_once(sandbox, stripe, customer, clock, registry):
    # given a paid order that no provider can deliver
    package = offers("esim_go", 1)[0]
    order_id = paid_order(customer, package, stripe_url=stripe)
    _refuse_everywhere(sandbox, package)
    assert (await orders.fulfil_paid_order(order_id, registry=registry)).status == "failed"
    start = clock.now
    # when the failed-orders job runs on a fake clock, just before and just after each delay
    seen = []
    for before, after in ((4.9, 5.1), (5.1 + 14.8, 5.1 + 15.1), (20.2 + 59.8, 20.2 + 60.1)):
        clock.now = start + dt.timedelta(minutes=before)
        await retry_failed_orders(registry=registry, now=clock.now)
        seen.append(_order(order_id).retry_count)
        clock.now = start + dt.timedelta(minutes=after)
        await retry_failed_orders(registry=registry, now=clock.now)
        seen.append(_order(order_id).retry_count)
    # then it was retried once at each step: 1 → 2 at 5 min, → 3 at 15 more, → 4 at 60 more
    assert seen == [1, 2, 2, 3, 3, 4]
    order = _order(order_id)
    assert order.status == "refunded" and order.payment_status == "refunded"
    assert order.failure_reason
    # and the payment was refunded once, the customer told once, however often the job runs again
    for _ in range(2):
        clock.advance(minutes=30)
        await retry_failed_orders(registry=registry, now=clock.now)
    refunds = payments.stripe_client().v1.refunds.list({"payment_intent": order.stripe_payment_intent_id}).data
    assert len(refunds) == 1
    assert _emails(order) == 1
    assert _order(order_id).status == "refunded"


async def test_two_workers_refund_an_order_once(sandbox, stripe, customer, clock, registry):
    # given an order out of retries
    package = offers("airalo", 1)[0]
    order_id = paid_order(customer, package, stripe_url=stripe)
    _refuse_everywhere(sandbox, package)
    await orders.fulfil_paid_order(order_id, registry=registry)
    with db.session() as s, s.begin():
        s.execute(sa.update(Order).where(Order.id == order_id).values(retry_count=4, next_retry_at=None))
    # when two job runs race
    await asyncio.gather(retry_failed_orders(registry=registry, now=clock.now),
                         retry_failed_orders(registry=registry, now=clock.now))
    # then one refund and one email
    order = _order(order_id)
    assert order.status == "refunded"
    assert len(payments.stripe_client().v1.refunds.list({"payment_intent": order.stripe_payment_intent_id}).data) == 1
    assert _emails(order) == 1
