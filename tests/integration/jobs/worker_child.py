"""A job worker process for the worker tests: the fulfilment worker every `esim jobs` process runs,
against the test simulators (SANDBOX_URLS), with at most IN_FLIGHT orders at once. Prints `ready`,
and `fulfilled N` when SIGTERM stops it."""

from __future__ import annotations

import asyncio
import json
import os
import signal

from providers.registry import build_registry
from services.core.settings import Settings
from services.orders.fulfilment_worker import FulfilmentWorker


async def main() -> None:
    registry = build_registry(Settings(esim_env="development"), sandbox_urls=json.loads(os.environ["SANDBOX_URLS"]))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    worker = FulfilmentWorker(lambda: registry, in_flight=int(os.environ.get("IN_FLIGHT", "100")))
    print("ready", flush=True)
    await worker.run(stop)
    await registry.aclose()
    print(f"fulfilled {worker.fulfilled}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
