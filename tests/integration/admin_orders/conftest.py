"""Admin order and customer fixtures: the shared order world (simulators, synced catalogue, a database
of the package's own) and a real localstripe."""

from __future__ import annotations

import pytest

from providers.sandbox.server import Sandbox
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
