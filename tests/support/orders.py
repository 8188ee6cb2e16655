"""Shared order fixtures: a synced catalogue in a database of the package's own, the simulators over
HTTP, a customer, a paid order and a completed order. Used by the orders, payments and refunds tests.

A conftest imports the fixtures it needs (`from tests.support.orders import customer, ...`); the
package-scoped ones then belong to that test package.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import select

from providers.registry import ProviderRegistry, build_registry
from providers.sandbox.server import Sandbox, run_simulators
from services.catalog.sync import run_sync_packages
from services.core import db
from services.core.models import OrderStatus, Package, User
from services.core.settings import Settings
from services.orders import ordering, payment_state
from services.payments import stripe_payments
from tests.conftest import own_database
from tests.support.payments import CARD_OK, pay


@pytest.fixture(scope="package")
def orders_db(database_url: str) -> Iterator[str]:
    with own_database("esim_orders", restore=database_url) as url:
        yield url


@pytest.fixture(scope="package")
def sandbox(orders_db: str) -> Iterator[Sandbox]:
    with run_simulators() as running:
        run_sync_packages(build_registry(Settings(esim_env="development"), sandbox_urls=running.urls))
        yield running


@pytest.fixture
def registry(sandbox: Sandbox) -> ProviderRegistry:
    return build_registry(Settings(esim_env="development", provider_timeout_seconds=2), sandbox_urls=sandbox.urls)


@pytest.fixture(autouse=True)
def calm_simulators(sandbox: Sandbox) -> Iterator[None]:
    yield
    for provider in sandbox.apps:
        sim = sandbox.sim(provider)
        sim.faults.update({"latency": 0.0, "fail_next": 0, "hang_next": 0, "error_rate": 0.0, "rate_limit_next": 0,
                           "retry_after": 1.0, "failing_package_ids": [], "paths": [], "hang_phase": "after"})


def new_customer() -> int:
    with db.session() as s:
        user = User(email=f"{uuid.uuid4().hex[:10]}@example.com")
        s.add(user)
        s.commit()
        return user.id  # type: ignore[return-value]


@pytest.fixture
def customer() -> int:
    return new_customer()


def best_offer(provider_id: str, *, with_alternatives: bool = True) -> Package:
    """An enabled best-price local offer of `provider_id` whose group other providers also sell."""
    with db.session() as s:
        alternatives = (
            select(Package.group_key).where(Package.provider_id != provider_id).group_by(Package.group_key)
        )
        query = select(Package).where(
            Package.provider_id == provider_id, Package.is_best_price, Package.is_enabled,
            Package.kind == "local", ~Package.is_topup, Package.data_mb.is_not(None),
        )
        if with_alternatives:
            query = query.where(Package.group_key.in_(alternatives))
        return s.exec(query.order_by(Package.id).limit(1)).one()


@contextlib.contextmanager
def rival_topup(topup: Package) -> Iterator[int]:
    """For the block, a live top-up of another provider made equivalent to `topup` (its group) and
    cheaper, so fulfilment would fail over to it if it could; yields its package id."""
    with db.get_engine().begin() as conn:
        rival = conn.execute(sa.text(
            "SELECT id, group_key, cost_micros FROM packages WHERE is_topup AND vanished_at IS NULL"
            " AND provider_id <> :p ORDER BY id LIMIT 1"), {"p": topup.provider_id}).one()
        conn.execute(sa.text("UPDATE packages SET group_key = :g, cost_micros = 1 WHERE id = :id"),
                     {"g": topup.group_key, "id": rival.id})
    try:
        yield rival.id
    finally:
        with db.get_engine().begin() as conn:
            conn.execute(sa.text("UPDATE packages SET group_key = :g, cost_micros = :c WHERE id = :id"),
                         {"g": rival.group_key, "c": rival.cost_micros, "id": rival.id})


def paid_order(user_id: int, package: Package) -> int:
    """An order marked paid without Stripe (for fulfilment tests); returns its id."""
    created = ordering.create_order(user_id, plan_slug=package.slug)
    assert payment_state.mark_paid(created.id, payment_intent_id=f"pi_{uuid.uuid4().hex[:12]}",
                              amount_cents=created.price_cents, currency=created.currency)
    return created.id


def paid_by_card(user_id: int, provider_id: str, stripe_base: str) -> int:
    """An order of `user_id` for a best offer of `provider_id`, paid by card on localstripe; returns its id."""
    created = ordering.create_order(user_id, plan_slug=best_offer(provider_id, with_alternatives=False).slug)
    start = stripe_payments.start_payment(created.id)
    pay(stripe_base, start.client_secret, CARD_OK)
    assert stripe_payments.refresh_payment(created.id) == "succeeded"
    return created.id


@pytest.fixture
def completed_order(stripe_sandbox: str, webhooks, registry: ProviderRegistry,
                    customer: int) -> Callable[[str], Awaitable[int]]:
    """Buys a completed eSIM order of `customer` (or another user) from a provider, paid by card."""

    async def buy(provider_id: str, user_id: int | None = None) -> int:
        order_id = paid_by_card(user_id or customer, provider_id, stripe_sandbox)
        result = await ordering.fulfil_paid_order(order_id, registry=registry)
        assert result.status == OrderStatus.COMPLETED, result
        return order_id

    return buy


def order_row(order_id: int) -> sa.Row:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT * FROM orders WHERE id = :id"), {"id": order_id}).one()


def esim_count(order_id: int) -> int:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM esims WHERE order_id = :id"), {"id": order_id}).scalar()
