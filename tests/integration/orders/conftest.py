"""Order fixtures: the shared order world (tests/support/orders.py) and localstripe for checkout."""

from tests.support.orders import (  # noqa: F401  (fixtures)
    calm_simulators,
    completed_order,
    customer,
    orders_db,
    registry,
    sandbox,
)
from tests.support.payments import receiver, stripe_sandbox, webhooks  # noqa: F401  (fixtures)
