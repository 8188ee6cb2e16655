"""The job workers' fulfilment loop: every `esim jobs` process fulfils orders, not just the elected one.

Each process claims paid orders, and orders whose provisioning lease ran out (a worker died while a
provider held the answer), in batches that no other process holds (`claims.claim_batch`: FOR UPDATE
SKIP LOCKED), and keeps up to `IN_FLIGHT` of them in fulfilment at once, claiming again once a tenth
of them finished (or at the idle poll), so throughput grows with the number of job processes and an
orphaned order is resumed as soon as its lease ends.

Provider orders are placed one per customer order, never batched, although two of the providers take
several plans in one order call and the third a quantity of one plan (PROVIDER_APIS.md): exactly-once
rests on each customer order's own reference at the provider (written down before the call, asked
about after a crash); a shared call would tie several customers to one reference, one outcome and one
reconciliation, and one provider turns orders of more than 5 plans asynchronous.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import sqlalchemy as sa

from providers.registry import ProviderRegistry
from services.orders import claims
from services.orders import ordering

log = logging.getLogger(__name__)

IN_FLIGHT = 100  # orders in fulfilment per process (each has at most one provider call open)
IDLE_POLL_SECONDS = 0.5  # how soon an idle worker sees a newly paid order
CLAIM_BATCH_DIVISOR = 10  # with orders waiting, a worker claims again once a tenth of its slots are free


class FulfilmentWorker:
    """Claims and fulfils orders until `stop` is set; in-flight orders then get `grace` seconds."""

    def __init__(self, registry: Callable[[], ProviderRegistry], *, in_flight: int = IN_FLIGHT,
                 idle_poll: float = IDLE_POLL_SECONDS) -> None:
        self._registry = registry
        self._in_flight = in_flight
        self._idle_poll = idle_poll
        self._batch = max(1, in_flight // CLAIM_BATCH_DIVISOR)
        self._tasks: set[asyncio.Task] = set()
        self.fulfilled = 0

    async def run(self, stop: asyncio.Event, *, grace: float = 30.0) -> None:
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                asked = self._in_flight - len(self._tasks)
                started = await self._claim_and_start()
                await self._until_claim_worthwhile(stopping, more_waiting=started == asked)
        finally:
            stopping.cancel()
            await self._drain(grace)

    async def _until_claim_worthwhile(self, stopping: asyncio.Task, *, more_waiting: bool) -> None:
        """Wait until a batch of orders has finished when the last claim got all it asked for (more may be
        waiting), at most the idle poll; after a claim that emptied the queue, the idle poll. Claiming the
        one slot each finished order freed, or finding nothing, cost a round trip (a heavy statement) an order."""
        deadline = asyncio.get_running_loop().time() + self._idle_poll
        while not stopping.done():
            if more_waiting and self._in_flight - len(self._tasks) >= self._batch:
                return
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return
            await asyncio.wait({stopping, *self._tasks} if more_waiting else {stopping}, timeout=left,
                               return_when=asyncio.FIRST_COMPLETED)

    async def _claim_and_start(self) -> int:
        free = self._in_flight - len(self._tasks)
        if free <= 0:
            return 0
        try:
            batch = await asyncio.to_thread(claims.claim_batch, free, lease=ordering.reclaim_after())
        except sa.exc.OperationalError as exc:  # the database is away: try again at the next poll
            log.warning("fulfilment worker: cannot claim orders (%s)", type(exc.orig).__name__)
            return 0
        except Exception:  # a bug must not end the loop: the orders stay claimable
            log.exception("fulfilment worker: claiming orders failed")
            return 0
        registry = self._registry()
        for claim in batch:
            task = asyncio.create_task(self._fulfil(claim, registry))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(batch)

    async def _fulfil(self, claim: claims.Claim, registry: ProviderRegistry) -> None:
        try:
            await ordering.fulfil_claim(claim, registry=registry)
            self.fulfilled += 1
        except Exception:  # left in provisioning: the lease hands it to a worker again
            log.exception("fulfilment of order %s crashed", claim.ref)

    async def _drain(self, grace: float) -> None:
        """Let in-flight orders finish; cancel the rest (their leases bring them back)."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
