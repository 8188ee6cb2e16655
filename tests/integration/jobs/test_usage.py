"""Usage sync: figures from the providers, and the 80 %, 100 % and expiry notices sent once each."""

from __future__ import annotations

import asyncio
import datetime as dt

import sqlalchemy as sa

from services.core import db
from services.core.models import EmailOutbox, Esim, EsimNotice, User
from services.orders import ordering as orders
from services.orders.usage import sync_usage
from tests.integration.jobs.conftest import offers, paid_order


def _esim(order_id: int) -> Esim:
    with db.session() as s:
        return s.execute(sa.select(Esim).where(Esim.order_id == order_id)).scalar_one()


def _only_these_due(esim_ids: list[int]) -> None:
    """Other tests' eSIMs count as freshly synced, so each sync here asks only about these."""
    with db.session() as s, s.begin():
        s.execute(sa.update(Esim).where(Esim.id.not_in(esim_ids)).values(usage_updated_at=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)))


def _sent(user_id: int, esim_ref: str) -> list[str]:
    with db.session() as s:
        email = s.get(User, user_id).email
        return sorted(s.execute(sa.select(EmailOutbox.template).where(
            EmailOutbox.to_address == email, EmailOutbox.template.in_(("usage_80", "usage_100", "expiring")),
            EmailOutbox.text_body.contains(esim_ref))).scalars())


async def test_notices_are_sent_once_each_as_usage_grows_to_expiry(sandbox, customer, registry):
    # given a completed eSIM Access eSIM (batched usage, expiry from the provider)
    # whose simulated owner uses data fast enough to run out before expiry
    package = min(offers("esim_access", 40), key=lambda p: (p.validity_days, p.id))
    sim = sandbox.sim("esim_access")
    sim.factory.pace = 1.2
    try:
        order_id = paid_order(customer, package)
        assert (await orders.fulfil_paid_order(order_id, registry=registry)).status == "completed"
    finally:
        sim.factory.pace = None
    esim = _esim(order_id)
    _only_these_due([esim.id])
    # when the simulated clock moves on in 12-hour steps and the usage job runs (twice at a time) each step
    statuses = []
    for _ in range(2 * package.validity_days + 4):
        sim.clock.advance(hours=12)
        now = sim.clock.now()
        await asyncio.gather(sync_usage(registry=registry, now=now), sync_usage(registry=registry, now=now))
        statuses.append(_esim(order_id).status)
        if statuses[-1] == "expired":
            break
    # then usage went up to the allowance, the eSIM expired, and each notice was queued exactly once
    esim = _esim(order_id)
    assert esim.status == "expired" and esim.used_mb > 0 and esim.expires_at is not None
    assert "active" in statuses
    assert _sent(customer, esim.display_id) == ["expiring", "usage_100", "usage_80"]
    with db.session() as s:
        kinds = s.execute(sa.select(EsimNotice.kind).where(EsimNotice.esim_id == esim.id)).scalars().all()
    assert sorted(kinds) == ["expiring", "usage_100", "usage_80"]


async def test_usage_sync_claims_each_esim_once_per_period(sandbox, customer, registry):
    # given two eSIMs
    ids = [paid_order(customer, p) for p in offers("esim_go", 2)]
    for order_id in ids:
        await orders.fulfil_paid_order(order_id, registry=registry)
    _only_these_due([_esim(i).id for i in ids])
    now = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    # when two syncs run at once
    first, second = await asyncio.gather(sync_usage(registry=registry, now=now),
                                         sync_usage(registry=registry, now=now))
    # then between them each eSIM was fetched once, and a third run finds nothing due
    assert first.processed + second.processed == 2 and first.failed + second.failed == 0
    third = await sync_usage(registry=registry, now=now)
    assert third.processed == 0
