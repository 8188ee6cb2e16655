"""Payment fixtures: localstripe and our webhook route (tests/support/payments.py), a pending order."""

from __future__ import annotations

import uuid

import pytest

from services.core import db
from services.core.models import Order, Package
from tests.support.payments import PRICE_CENTS, receiver, stripe_sandbox, webhooks  # noqa: F401  (fixtures)


@pytest.fixture
def order_id(stripe_sandbox: str) -> int:  # noqa: F811
    """A pending order for a fresh plan at the server's price."""
    suffix = uuid.uuid4().hex[:10]
    with db.session() as s:
        package = Package(slug=f"pay-{suffix}", provider_id="airalo", provider_package_id=f"p-{suffix}",
                          kind="local", destination_code="FR", destination_name="France", name="France 5 GB",
                          data_mb=5120, validity_days=30, cost_micros=6_000_000, price_cents=PRICE_CENTS,
                          group_key=f"FR-5GB-{suffix}")
        s.add(package)
        s.flush()
        order = Order(package_id=package.id, client_reference=uuid.uuid4().hex, price_cents=PRICE_CENTS,
                      currency="USD", cost_micros=6_000_000)
        s.add(order)
        s.commit()
        return order.id  # type: ignore[return-value]
