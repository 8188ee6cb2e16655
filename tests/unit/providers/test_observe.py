"""Call records reach the observer in batches, each stored before its operation returns."""

from __future__ import annotations

import asyncio
import threading
import time

from providers.observe import CallRecord, observed


class _Fake:
    id = "fake"

    def __init__(self) -> None:
        self.batches: list[list[CallRecord]] = []
        self._lock = threading.Lock()

    def call_observer(self, records: list[CallRecord]) -> None:  # runs in a worker thread, like the INSERT
        time.sleep(0.05)
        with self._lock:
            self.batches.append(list(records))

    async def _get_order(self, order_id: str) -> str:
        await asyncio.sleep(0)
        return order_id

    get_order = observed("get_order", _get_order)

    def stored(self, subject: str) -> bool:
        with self._lock:
            return any(r.subject == subject for batch in self.batches for r in batch)


async def test_operations_ending_together_are_stored_in_few_batches_each_before_it_returns():
    fake = _Fake()

    async def one(i: int) -> bool:
        await fake.get_order(f"o{i}")
        return fake.stored(f"o{i}")  # its record is stored by the time the operation returns

    assert all(await asyncio.gather(*(one(i) for i in range(40))))
    assert sorted(r.subject for batch in fake.batches for r in batch) == sorted(f"o{i}" for i in range(40))
    assert len(fake.batches) <= 3  # the first one alone, the rest while it was being stored


async def test_a_failing_observer_does_not_fail_the_operation():
    fake = _Fake()

    def broken(records: list[CallRecord]) -> None:
        raise RuntimeError("database away")

    fake.call_observer = broken  # type: ignore[method-assign]
    assert await fake.get_order("o1") == "o1"
