"""Customers with orders of their own, in the session's database."""

from __future__ import annotations

import uuid

import pytest

from services.core import db
from services.core.models import Order, Package, User


def new_customer() -> int:
    with db.session() as s:
        user = User(email=f"c-{uuid.uuid4().hex[:10]}@example.com")
        s.add(user)
        s.commit()
        return user.id  # type: ignore[return-value]


def new_order(user_id: int) -> str:
    """A pending order of `user_id` for a throw-away plan; returns its reference."""
    suffix = uuid.uuid4().hex[:10]
    with db.session() as s:
        package = Package(slug=f"tkt-{suffix}", provider_id="airalo", provider_package_id=f"p-{suffix}", kind="local",
                          destination_code="JP", destination_name="Japan", name="Japan 3 GB", data_mb=3072,
                          validity_days=15, cost_micros=4_000_000, price_cents=799, group_key=f"JP-3GB-{suffix}")
        s.add(package)
        s.flush()
        order = Order(user_id=user_id, package_id=package.id, client_reference=uuid.uuid4().hex, price_cents=799)
        s.add(order)
        s.commit()
        return order.display_id  # type: ignore[return-value]


@pytest.fixture
def alice(database_url: str) -> int:
    return new_customer()


@pytest.fixture
def bob(database_url: str) -> int:
    return new_customer()
