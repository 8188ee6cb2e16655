"""A job worker for `bench.checkout`: the fulfilment worker every `esim jobs` process runs (without the
schedule), against the bench's simulators (SANDBOX_URLS). With LIFT_LIMITS=1 the providers' documented
rate limits are lifted in this process; IN_FLIGHT sets how many orders it keeps in fulfilment. Prints
`ready`, then `peak_rss <bytes>` when SIGTERM stops it (the bench reads its CPU time from outside)."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import psutil

from providers.http import Rate
from providers.registry import build_registry
from services.core.settings import Settings
from services.orders.fulfilment_worker import IN_FLIGHT, FulfilmentWorker


def _lift_limits() -> None:
    from bench.checkout import LIMITS

    for rates in LIMITS.values():
        for name in rates:
            rates[name] = Rate(100_000, 1)


async def main() -> None:
    if os.environ.get("LIFT_LIMITS") == "1":
        _lift_limits()
    registry = build_registry(Settings(_env_file=None, provider_timeout_seconds=30),
                              sandbox_urls=json.loads(os.environ["SANDBOX_URLS"]))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    peak, process = 0, psutil.Process()

    async def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, process.memory_info().rss)
            await asyncio.sleep(0.25)  # more often cost the worker 2 % of its CPU

    sampler = asyncio.create_task(sample())
    print("ready", flush=True)
    in_flight = int(os.environ.get("IN_FLIGHT") or 0) or IN_FLIGHT
    await FulfilmentWorker(lambda: registry, in_flight=in_flight).run(stop)
    await sampler
    await registry.aclose()
    print(f"peak_rss {peak}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
