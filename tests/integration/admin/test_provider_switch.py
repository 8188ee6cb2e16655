"""Switching a provider off at runtime: new orders and failover skip it at once, its offers leave the
storefront (the next-best offer is on sale instead); switching back restores the best prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import select

from providers.registry import ProviderRegistry
from services import admin
from services.accounts.errors import NotPermitted
from services.admin import providers as admin_providers
from services.catalog import reprice
from services.core import db
from services.core.models import OrderStatus, Package
from services.orders import ordering
from tests.integration.admin.support import staff
from tests.support.orders import best_offer, paid_order


@pytest.fixture(autouse=True)
def every_provider_on(sandbox) -> None:
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key LIKE 'providers.%'"))
    reprice.apply_settings()


def _group_offers(group_key: str) -> list[Package]:
    with db.session() as s:
        return list(s.exec(select(Package).where(Package.group_key == group_key, Package.vanished_at.is_(None))
                           .order_by(Package.price_cents)).all())


def _failover_able(provider_id: str) -> Package:
    """A best-price offer of `provider_id` that another provider can fill without breaking the margin floor."""
    with db.get_engine().connect() as conn:
        slug = conn.execute(sa.text(
            "SELECT p.slug FROM packages p JOIN packages q ON q.group_key = p.group_key AND q.provider_id <> p.provider_id"
            " WHERE p.provider_id = :p AND p.is_best_price AND NOT p.is_topup AND q.vanished_at IS NULL"
            " AND q.cost_micros <= p.price_cents * 10000 - 100 * 10000 ORDER BY p.id LIMIT 1"),
            {"p": provider_id}).scalar_one()
    with db.session() as s:
        return s.exec(select(Package).where(Package.slug == slug)).one()


async def test_a_switched_off_provider_gets_no_new_order_another_provider_fulfils_it(
        registry: ProviderRegistry, customer: int) -> None:
    ops = staff("operations")
    offer = best_offer("airalo")  # best price of a group other providers sell too
    await admin.set_provider_enabled(ops, "airalo", False, ip="10.2.2.2")
    group = _group_offers(offer.group_key)
    assert not any(p.is_enabled or p.is_best_price for p in group if p.provider_id == "airalo")
    [now_best] = [p for p in group if p.is_best_price]
    assert now_best.provider_id != "airalo" and now_best.is_enabled
    result = await ordering.fulfil_paid_order(paid_order(customer, now_best), registry=registry)
    assert result.status == OrderStatus.COMPLETED
    with db.get_engine().connect() as conn:
        provider = conn.execute(sa.text("SELECT provider_id FROM orders WHERE display_id = :r"),
                                {"r": result.order_ref}).scalar_one()
    assert provider != "airalo"


async def test_an_order_paid_before_the_switch_fails_over_to_another_provider(
        registry: ProviderRegistry, customer: int) -> None:
    offer = _failover_able("esim_go")
    order_id = paid_order(customer, offer)  # bought at that provider's price, before it was switched off
    await admin.set_provider_enabled(staff("owner"), "esim_go", False, ip=None)
    result = await ordering.fulfil_paid_order(order_id, registry=registry)
    assert result.status == OrderStatus.COMPLETED
    with db.get_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT provider_id FROM orders WHERE id = :i"), {"i": order_id}).scalar_one() \
            != "esim_go"


async def test_switching_back_on_restores_its_best_prices_and_both_changes_are_audited() -> None:
    owner = staff("owner")
    offer = best_offer("esim_access")
    await admin.set_provider_enabled(owner, "esim_access", False, ip=None)
    await admin.set_provider_enabled(owner, "esim_access", True, ip=None)
    [again] = [p for p in _group_offers(offer.group_key) if p.id == offer.id]
    assert again.is_best_price and again.is_enabled
    with db.get_engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT action, details FROM audit_log WHERE actor_id = :a AND action LIKE"
                                    " 'provider.%' ORDER BY id"), {"a": owner.principal_id}).all()
    assert [(a, d["before"], d["after"]) for a, d in rows] == [
        ("provider.disabled", {"enabled": True}, {"enabled": False}),
        ("provider.enabled", {"enabled": False}, {"enabled": True})]


@pytest.mark.parametrize("role", ["support", "finance"])
async def test_only_owners_and_operations_switch_providers(role: str) -> None:
    with pytest.raises(NotPermitted):
        await admin.set_provider_enabled(staff(role), "airalo", False, ip=None)
    overview = await admin.list_providers(staff(role))  # but they may look
    assert all(p.enabled for p in overview.providers) and not overview.can_act


async def test_the_overview_figures_are_the_calls_recorded_in_the_window(registry: ProviderRegistry) -> None:
    now = dt.datetime.now(dt.UTC)
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM provider_calls"))
        conn.execute(sa.text(
            "INSERT INTO provider_calls (provider_id, operation, started_at, latency_ms, outcome, rate_limit_hits)"
            " SELECT 'esim_go', CASE WHEN i <= 10 THEN 'create_order' ELSE 'get_order' END, :t, i * 10,"
            " CASE WHEN i IN (3, 4) THEN 'error' WHEN i = 5 THEN 'timeout' WHEN i = 6 THEN 'rate_limited'"
            " ELSE 'ok' END, CASE WHEN i = 6 THEN 3 ELSE 0 END FROM generate_series(1, 100) AS i"),
            {"t": now - dt.timedelta(hours=1)})
        conn.execute(sa.text("INSERT INTO provider_calls (provider_id, operation, started_at, latency_ms, outcome)"
                             " VALUES ('esim_go', 'get_order', :t, 99999, 'error')"),
                     {"t": now - dt.timedelta(hours=25)})  # outside the window
    figures = admin_providers.overview(staff("finance"), configured=registry.ids, now=now)
    [go] = [p for p in figures.providers if p.provider_id == "esim_go"]
    calls = go.calls
    assert (calls.calls, calls.errors, calls.timeouts, calls.rate_limited, calls.rate_limit_hits) == (100, 2, 1, 1, 3)
    assert (calls.p50_ms, calls.p95_ms) == (505, 950)  # percentile_cont over 10, 20, ..., 1000 (950.5 to even)
    assert (calls.orders, calls.orders_ok, calls.success_percent) == (10, 6, Decimal("60.0"))
    assert go.catalogue.offers > 0 and go.configured


def test_a_low_balance_alerts_staff_once_per_crossing() -> None:
    owner = staff("owner")
    admin_providers.set_threshold(owner, "airalo", "500", ip=None)

    def alerts() -> int:
        with db.get_engine().connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM email_outbox WHERE template = 'provider_low_balance'"
                                        " AND to_address = :e"), {"e": owner.email}).scalar_one()

    assert admin_providers.note_balance("airalo", Decimal("499.99"), "USD") is True
    assert admin_providers.note_balance("airalo", Decimal("100"), "USD") is False  # still below: no second email
    assert alerts() == 1
    assert admin_providers.note_balance("airalo", Decimal("800"), "USD") is False  # back above: re-armed
    assert admin_providers.note_balance("airalo", Decimal("10"), "USD") is True
    assert alerts() == 2


async def test_the_scheduled_balance_check_alerts_below_the_threshold(registry: ProviderRegistry) -> None:
    from services.admin import provider_checks

    owner = staff("owner")
    admin_providers.set_threshold(owner, "esim_go", "200000", ip=None)  # above the simulator's balance
    assert await provider_checks.check_balances(registry) == 3
    with db.get_engine().connect() as conn:
        subjects = conn.execute(sa.text("SELECT subject FROM email_outbox WHERE template = 'provider_low_balance'"
                                        " AND to_address = :e"), {"e": owner.email}).scalars().all()
    assert len(subjects) == 1 and subjects[0].startswith("Low balance at eSIM Go: ")
