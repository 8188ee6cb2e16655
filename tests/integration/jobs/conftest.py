"""Job fixtures: a database of our own with a synced catalogue, the simulators, localstripe for refunds,
a fake clock, and the `fault ...` lines printed at the end of the run."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import select

from providers.registry import ProviderRegistry, build_registry
from providers.sandbox.server import Sandbox, run_simulators
from services.catalog.sync import run_sync_packages
from services.core import db
from services.core.models import Order, OrderStatus, Package, User
from services.core.settings import Settings, get_settings
from services.orders import ordering as orders
from services.orders import payment_state
from services.payments import stripe_payments as payments
from services.sandbox import localstripe as localstripe_server
from tests.conftest import own_database

SECRET_KEY, PUBLISHABLE_KEY = "sk_test_jobs", "pk_test_jobs"
FAULT_LINES: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    if FAULT_LINES:
        terminalreporter.write_sep("-", "fault tolerance")
        for line in FAULT_LINES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="package")
def jobs_db(database_url: str) -> Iterator[str]:
    with own_database("esim_jobs", restore=database_url) as url:
        yield url


@pytest.fixture(scope="package")
def sandbox(jobs_db: str) -> Iterator[Sandbox]:
    with run_simulators() as running:
        running.sim("esim_access").allocation_delay = 0.0
        run_sync_packages(build_registry(Settings(esim_env="development"), sandbox_urls=running.urls))
        yield running


@pytest.fixture(scope="package")
def stripe(jobs_db: str) -> Iterator[str]:
    with localstripe_server.running() as base_url, pytest.MonkeyPatch.context() as mp:
        for name, value in {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
                            "STRIPE_API_BASE": base_url}.items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        yield base_url
    get_settings.cache_clear()


def make_registry(sandbox: Sandbox, *, timeout: float = 2.0) -> ProviderRegistry:
    return build_registry(Settings(esim_env="development", provider_timeout_seconds=timeout),
                          sandbox_urls=sandbox.urls)


@pytest.fixture
def registry(sandbox: Sandbox) -> ProviderRegistry:
    return make_registry(sandbox)


@pytest.fixture(autouse=True)
def calm_simulators(sandbox: Sandbox) -> Iterator[None]:
    yield
    for provider in sandbox.apps:
        sim = sandbox.sim(provider)
        sim.faults.update({"latency": 0.0, "fail_next": 0, "hang_next": 0, "error_rate": 0.0,
                           "failing_package_ids": [], "paths": [], "pass_next": 0, "hang_phase": "after"})
        sim.webhooks.url = ""


class FakeClock:
    """The jobs' `now`. The provisioning leases are judged on the database's clock, which no fake
    reaches: advancing also ages them, as if that time had passed since each was written."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def advance(self, **delta: float) -> dt.datetime:
        step = dt.timedelta(**delta)
        self.now += step
        with db.session() as s, s.begin():
            s.execute(sa.update(Order).where(Order.status == OrderStatus.PROVISIONING)
                      .values(last_status_check=Order.last_status_check - step))
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def customer() -> int:
    with db.session() as s:
        user = User(email=f"{uuid.uuid4().hex[:10]}@example.com")
        s.add(user)
        s.commit()
        return user.id  # type: ignore[return-value]


def offers(provider_id: str, count: int) -> list[Package]:
    """`count` enabled local offers of one provider (repeating when the catalogue has fewer)."""
    with db.session() as s:
        rows = s.exec(select(Package).where(
            Package.provider_id == provider_id, Package.is_enabled, Package.kind == "local", ~Package.is_topup,
            Package.data_mb.is_not(None), Package.vanished_at.is_(None),
        ).order_by(Package.id).limit(count)).all()
    return [rows[i % len(rows)] for i in range(count)]


def paid_order(user_id: int, package: Package, *, stripe_url: str | None = None) -> int:
    """A paid order; with `stripe_url` paid for real through localstripe (so it can be refunded)."""
    created = orders.create_order(user_id, plan_slug=package.slug)
    if stripe_url is None:
        assert payment_state.mark_paid(created.id, payment_intent_id=f"pi_{uuid.uuid4().hex[:16]}",
                                amount_cents=created.price_cents, currency=created.currency)
        return created.id
    start = payments.start_payment(created.id)
    localstripe_server.confirm_card(stripe_url, client_secret=start.client_secret, card_number="4242424242424242",
                                    secret_key=SECRET_KEY, publishable_key=PUBLISHABLE_KEY)
    assert payments.refresh_payment(created.id) == "succeeded"
    return created.id
