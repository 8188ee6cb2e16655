"""Refund fixtures: the fulfilment world (simulators, synced catalogue) plus a real localstripe.

Orders are bought the way customers buy them: created at the server's price, paid with a test card
on localstripe, then fulfilled through the simulators.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

import pytest
import sqlalchemy as sa

from providers.registry import ProviderRegistry
from providers.sandbox.server import Sandbox
from services.core import db
from services.core.models import OrderStatus
from services.orders import ordering as orders
from services.payments import stripe_payments as payments
from services.store import settings as store_settings
from tests.integration.orders.conftest import (  # noqa: F401  (fixtures)
    best_offer,
    calm_simulators,
    customer,
    orders_db,
    registry,
    sandbox,
)
from tests.integration.payments.conftest import receiver, stripe_sandbox, webhooks  # noqa: F401  (fixtures)
from tests.integration.payments.support import CARD_OK, pay


@pytest.fixture(autouse=True)
def instant_allocation(sandbox: Sandbox) -> None:  # noqa: F811
    sandbox.sim("esim_access").allocation_delay = 0.0


@pytest.fixture(autouse=True)
def default_window(orders_db: str) -> Iterator[None]:  # noqa: F811
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = :key"), {"key": store_settings.REFUND_WINDOW})


def paid(user_id: int, provider_id: str, stripe_base: str) -> int:
    """An order of `user_id` for a best offer of `provider_id`, paid by card; returns the order id."""
    created = orders.create_order(user_id, plan_slug=best_offer(provider_id, with_alternatives=False).slug)
    start = payments.start_payment(created.id)
    pay(stripe_base, start.client_secret, CARD_OK)
    assert payments.refresh_payment(created.id) == "succeeded"
    return created.id


@pytest.fixture
def completed_order(stripe_sandbox: str, webhooks, registry: ProviderRegistry,  # noqa: F811
                    customer: int) -> Callable[[str], Awaitable[int]]:  # noqa: F811
    """Buys a completed eSIM order of `customer` from a provider; returns the order id."""

    async def buy(provider_id: str, user_id: int | None = None) -> int:
        order_id = paid(user_id or customer, provider_id, stripe_sandbox)
        result = await orders.fulfil_paid_order(order_id, registry=registry)
        assert result.status == OrderStatus.COMPLETED, result
        return order_id

    return buy
