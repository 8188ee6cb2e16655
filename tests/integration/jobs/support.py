"""Reading outcomes: what each paid order became, and the `fault <case>: ...` line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from providers.registry import ProviderRegistry
from providers.sandbox.server import Sandbox
from services.core import db
from services.orders import ordering as orders
from services.orders.recovery import check_pending_orders, retry_failed_orders
from tests.integration.jobs.conftest import FAULT_LINES, FakeClock


def outcome(case: str, order_ids: Iterable[int], sandbox: Sandbox) -> dict[str, int]:
    """Counts per order: completed (one provider order, one eSIM), refunded (with a reason, nothing
    bought), duplicated (two provider orders or eSIMs), lost (anything else). Records the fault line."""
    ids = list(order_ids)
    with db.get_engine().connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT o.id, o.status, o.client_reference, o.failure_reason, count(e.id) AS esims FROM orders o "
            "LEFT JOIN esims e ON e.order_id = o.id WHERE o.id = ANY(:ids) GROUP BY o.id"), {"ids": ids}).all()
    counts = dict.fromkeys(("paid", "completed", "refunded", "duplicated", "lost"), 0)
    counts["paid"] = len(ids)
    for row in rows:
        bought = sum(sandbox.orders_received(p, f"{row.client_reference}-{p}") for p in sandbox.apps)
        if bought > 1 or row.esims > 1:
            counts["duplicated"] += 1
        elif row.status == "completed" and bought == 1 and row.esims == 1:
            counts["completed"] += 1
        elif row.status == "refunded" and row.failure_reason and bought == 0:
            counts["refunded"] += 1
        else:
            counts["lost"] += 1
    counts["lost"] += len(ids) - len(rows)
    FAULT_LINES.append(f"fault {case}: " + " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


async def first_attempts(order_ids: Iterable[int], registry: ProviderRegistry) -> None:
    """What the web process does on payment: try each order once, at once."""
    await asyncio.gather(*(orders.fulfil_paid_order(i, registry=registry) for i in order_ids),
                         return_exceptions=True)


async def drive_jobs(registry: ProviderRegistry, clock: FakeClock, *, minutes: int, step: int = 5,
                     on_tick: Callable[[int], None] | None = None) -> None:
    """The pending and failed-order jobs every `step` simulated minutes for `minutes`."""
    for elapsed in range(step, minutes + 1, step):
        clock.advance(minutes=step)
        if on_tick is not None:
            on_tick(elapsed)
        await check_pending_orders(registry=registry, now=clock.now)
        await retry_failed_orders(registry=registry, now=clock.now)
