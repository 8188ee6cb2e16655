"""The process killed in the SIGKILL fault test: it fulfils ORDER_IDS, announcing (and stalling) each
order in HOLD_BEFORE_CALL right before its provider call, until the test kills it."""

from __future__ import annotations

import asyncio
import json
import os

from providers.registry import build_registry
from services.core.settings import Settings
from services.orders import ordering as orders


async def main() -> None:
    registry = build_registry(Settings(esim_env="development", provider_timeout_seconds=120),
                              sandbox_urls=json.loads(os.environ["SANDBOX_URLS"]))
    hold = set(json.loads(os.environ["HOLD_BEFORE_CALL"]))
    buy = orders._buy

    async def stalling_buy(provider, claim, candidate, lease):
        if claim.order_id in hold:
            print(f"before-call {claim.order_id}", flush=True)
            await asyncio.Event().wait()  # killed here
        return await buy(provider, claim, candidate, lease)

    orders._buy = stalling_buy
    ids = json.loads(os.environ["ORDER_IDS"])
    await asyncio.gather(*(orders.fulfil_paid_order(i, registry=registry) for i in ids))


if __name__ == "__main__":
    asyncio.run(main())
