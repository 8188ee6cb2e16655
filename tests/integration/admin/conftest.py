"""Admin catalogue and provider fixtures: the shared order world (own database, simulators over HTTP,
a synced catalogue) and localstripe."""

from tests.support.orders import (  # noqa: F401  (fixtures)
    calm_simulators,
    customer,
    orders_db,
    registry,
    sandbox,
)
