"""Wait for an order fulfilled asynchronously (eSIM Access allocation, large eSIM Go orders)."""

from __future__ import annotations

import asyncio
import time

from providers.base import Order, OrderStatus, Provider

PENDING_STATES = (OrderStatus.PENDING, OrderStatus.PROCESSING)


async def wait_for_order(
    provider: Provider, provider_order_id: str, *, timeout: float = 60.0, interval: float = 1.0
) -> Order:
    """Poll `get_order` until the order leaves pending/processing or `timeout` passes; the last state."""
    deadline = time.monotonic() + timeout
    while True:
        order = await provider.get_order(provider_order_id)
        if order.status not in PENDING_STATES or time.monotonic() + interval > deadline:
            return order
        await asyncio.sleep(interval)
