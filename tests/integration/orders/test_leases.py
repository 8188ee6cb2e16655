"""The provisioning lease holds through the provider call: a worker whose lease another worker took
while it waited for the provider's rate limit never places the order, and a call that drags on past
httpx's per-phase timeouts is cut off well before its lease ends, so no second worker steps in."""

from __future__ import annotations

import asyncio
import datetime as dt

import sqlalchemy as sa

from providers.registry import ProviderRegistry, build_registry
from providers.sandbox.server import Sandbox
from services.core import db
from services.core.models import OrderStatus
from services.core.settings import Settings
from services.orders import claims
from services.orders import ordering as orders
from tests.support.orders import best_offer, esim_count, order_row, paid_order

REDIS_URL = "redis://127.0.0.1:6379/15"  # the limiter every process shares, as in production
TIMEOUT = 1.0


def _reference(order_id: int, provider_id: str) -> str:
    return f"{order_row(order_id).client_reference}-{provider_id}"


def _attempt_recorded(order_id: int) -> bool:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT provider_id IS NOT NULL FROM orders WHERE id = :id"),
                            {"id": order_id}).scalar_one()


def _take_over(order_id: int) -> claims.Claim | None:
    """What a second worker does once the lease has run out (here: at once)."""
    return claims.claim_stuck(order_id, lease=dt.timedelta(hours=-1))


async def test_a_worker_that_lost_its_lease_while_waiting_for_the_rate_limit_does_not_order(
        sandbox: Sandbox, customer: int) -> None:
    # given Airalo's shared rate limit (5 calls a second) booked for the next seconds by 20 reads,
    registry = build_registry(Settings(esim_env="development", provider_timeout_seconds=2, redis_url=REDIS_URL),
                              sandbox_urls=sandbox.urls)
    airalo = registry.get("airalo")
    reads = [asyncio.create_task(airalo.get_balance()) for _ in range(20)]
    await asyncio.sleep(0)  # the reads queue first
    # and a worker that claimed a paid Airalo order, wrote down its attempt and now waits for a slot
    order_id = paid_order(customer, best_offer("airalo"))
    first = asyncio.create_task(orders.fulfil_claim(claims.claim_paid(order_id), registry=registry))
    while not _attempt_recorded(order_id):
        await asyncio.sleep(0.01)
    # when another worker takes the order over meanwhile
    second = _take_over(order_id)
    assert second is not None
    # then the first worker gives the order up without sending it
    result = await first
    assert result.status == OrderStatus.PROVISIONING and not result.changed
    assert sandbox.orders_received("airalo", _reference(order_id, "airalo")) == 0
    await asyncio.gather(*reads)
    # and the new holder places it, once
    assert (await orders.fulfil_claim(second, registry=registry)).status == OrderStatus.COMPLETED
    assert sandbox.orders_received("airalo", _reference(order_id, "airalo")) == 1
    assert esim_count(order_id) == 1
    await registry.aclose()


async def _claims_while(task: asyncio.Task, order_id: int, lease: dt.timedelta) -> int:
    """How often a second worker, honouring the lease, could take the order over while `task` runs."""
    taken = 0
    while not task.done():
        taken += claims.claim_stuck(order_id, lease=lease) is not None
        await asyncio.wait({task}, timeout=0.2)
    return taken


async def test_a_dripping_provider_answer_is_cut_off_before_the_lease_ends(sandbox: Sandbox,
                                                                          customer: int) -> None:
    # given Airalo taking the order, then sending its answer a byte at a time over a minute: no single
    # read waits long enough for httpx's read timeout, so only an overall deadline ends the call
    registry: ProviderRegistry = build_registry(
        Settings(esim_env="development", provider_timeout_seconds=TIMEOUT), sandbox_urls=sandbox.urls)
    sandbox.sim("airalo").faults.update({"hang_next": 1, "hang_phase": "drip", "hang_seconds": 60.0,
                                         "paths": ["POST /v2/orders"]})
    order_id = paid_order(customer, best_offer("airalo"))
    # when a worker fulfils it under the lease of one provider timeout plus the margin
    fulfilling = asyncio.create_task(orders.fulfil_claim(claims.claim_paid(order_id), registry=registry))
    taken = await _claims_while(fulfilling, order_id, dt.timedelta(seconds=TIMEOUT) + orders.LEASE_MARGIN)
    # then nobody could take the order over meanwhile, and the order found after the cut-off completes it
    assert taken == 0
    assert fulfilling.result().status == OrderStatus.COMPLETED
    assert sandbox.orders_received("airalo", _reference(order_id, "airalo")) == 1
    assert esim_count(order_id) == 1
    await registry.aclose()


def _age_lease(order_id: int, seconds: int) -> None:
    """Write the order's lease `seconds` ago on the database's clock."""
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE orders SET last_status_check = now() - make_interval(secs => :s) WHERE id = :id"),
                     {"s": seconds, "id": order_id})


async def test_a_lease_runs_out_on_the_databases_clock(sandbox: Sandbox, customer: int) -> None:
    # given an order a worker claimed, its lease last written 5 s ago by the database's clock
    order_id = paid_order(customer, best_offer("airalo"))
    assert claims.claim_paid(order_id) is not None
    _age_lease(order_id, 5)
    # then a worker honouring a 10 s lease leaves it alone, whatever its own clock says,
    assert claims.claim_stuck(order_id, lease=dt.timedelta(seconds=10)) is None
    # and one honouring a 3 s lease takes it over, renewing the lease (so nobody else can at once)
    assert claims.claim_stuck(order_id, lease=dt.timedelta(seconds=3)) is not None
    assert claims.claim_stuck(order_id, lease=dt.timedelta(seconds=3)) is None
