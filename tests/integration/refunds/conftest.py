"""Refund fixtures: the shared order world plus a real localstripe (tests/support).

Orders are bought the way customers buy them: created at the server's price, paid with a test card
on localstripe, then fulfilled through the simulators.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from providers.sandbox.server import Sandbox
from services.core import db
from services.store import settings as store_settings
from tests.support.orders import (  # noqa: F401  (fixtures)
    calm_simulators,
    completed_order,
    customer,
    orders_db,
    registry,
    sandbox,
)
from tests.support.payments import receiver, stripe_sandbox, webhooks  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def instant_allocation(sandbox: Sandbox) -> None:  # noqa: F811
    sandbox.sim("esim_access").allocation_delay = 0.0


@pytest.fixture(autouse=True)
def default_window(orders_db: str) -> Iterator[None]:  # noqa: F811
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = :key"), {"key": store_settings.REFUND_WINDOW})
