"""Fulfilment started in the web process right after a payment, without making the customer wait."""

from __future__ import annotations

import asyncio
import logging

from providers.registry import ProviderRegistry
from services.core.provider_runtime import get_registry
from services.orders import ordering

log = logging.getLogger(__name__)

_background: set[asyncio.Task] = set()


def fulfil_in_background(order_ids: list[int]) -> None:
    """Start fulfilment of freshly paid orders on the running event loop (the web process)."""
    for order_id in order_ids:
        task = asyncio.get_running_loop().create_task(_fulfil_logged(order_id, get_registry()))
        _background.add(task)
        task.add_done_callback(_background.discard)


async def _fulfil_logged(order_id: int, registry: ProviderRegistry) -> None:
    try:
        await ordering.fulfil_paid_order(order_id, registry=registry)
    except Exception:  # the pending-orders job picks the order up again
        log.exception("fulfilment of order %s crashed", order_id)
