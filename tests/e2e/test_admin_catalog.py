"""The owner changes Japan's margin on /admin/packages (preview, then save) and the storefront's Japan
page shows the new prices at once; then switches a provider off on /admin/providers and a new order
is fulfilled by another provider."""

from __future__ import annotations

import asyncio
import concurrent.futures

import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlmodel import select

from providers.registry import build_registry
from services.core import db
from services.core.money import format_money
from services.core.provider_runtime import sandbox_urls
from services.core.models import Package
from services.core.settings import Settings
from services.orders import ordering
from tests.e2e.conftest import APP_ENV
from tests.e2e.helpers import staff_signs_in
from tests.support.orders import best_offer, new_customer, paid_order


def _japan_prices() -> dict[str, int]:
    """Prices of the plans on sale on Japan's page (its local offers), by plan."""
    with db.get_engine().connect() as conn:
        return dict(conn.execute(sa.text(
            "SELECT slug, price_cents FROM packages WHERE destination_code = 'JP' AND is_enabled AND NOT is_topup"
            " AND vanished_at IS NULL")).all())


def _reset(*keys: str) -> None:
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = ANY(:k)"), {"k": list(keys)})
    from services.catalog import reprice

    reprice.apply_settings()


def test_the_owner_previews_and_saves_japans_margin_and_the_storefront_shows_it(app_url: str, page: Page) -> None:
    before = _japan_prices()
    try:
        staff_signs_in(page, app_url, "/admin/packages")
        page.get_by_test_id("margin-destination").select_option("dest:JP")
        page.get_by_test_id("margin-value").fill("150")
        page.get_by_test_id("preview-margin").click()
        expect(page.get_by_test_id("price-preview-row").first).to_be_visible()
        expect(page.get_by_test_id("preview-summary")).to_contain_text("JP")
        assert _japan_prices() == before  # a preview stores nothing
        page.get_by_test_id("save-margin").click()
        expect(page.get_by_text("prices changed")).to_be_visible()
        after = _japan_prices()
        assert after and all(price > before.get(slug, 0) for slug, price in after.items())  # every plan dearer
        page.goto(app_url + "/destinations/japan")
        prices = page.get_by_test_id("plan-price")
        expect(prices.first).to_be_visible()
        shown = set(prices.all_inner_texts())
        assert shown and shown <= {format_money(p, "USD") for p in after.values()}, shown
        page.goto(app_url + "/admin/packages")  # back to the default, through the app (its cache follows)
        page.get_by_test_id("margin-destination").select_option("dest:JP")
        page.get_by_test_id("margin-value").fill("")
        page.get_by_test_id("preview-margin").click()
        page.get_by_test_id("save-margin").click()
        expect(page.get_by_text("prices changed")).to_be_visible()
        assert _japan_prices() == before
    finally:
        _reset("pricing.destination_margin_percent")


async def _new_order_in(group_key: str) -> tuple[str, str]:
    """A paid order for the group's offer now on sale, fulfilled through the app's simulators:
    (status, provider)."""
    settings = Settings(_env_file=None, esim_env="test", app_port=int(APP_ENV["APP_PORT"]))
    registry = build_registry(settings, sandbox_urls=sandbox_urls(settings))
    try:
        with db.session() as s:
            package = s.exec(select(Package).where(Package.group_key == group_key, Package.is_best_price)).one()
        result = await ordering.fulfil_paid_order(paid_order(new_customer(), package), registry=registry)
        with db.get_engine().connect() as conn:
            provider = conn.execute(sa.text("SELECT provider_id FROM orders WHERE display_id = :r"),
                                    {"r": result.order_ref}).scalar_one()
        return str(result.status), provider
    finally:
        await registry.aclose()


def test_the_owner_switches_a_provider_off_and_a_new_order_goes_to_another(app_url: str, page: Page) -> None:
    group_key = best_offer("airalo").group_key  # Airalo is the best price here, and others sell it too
    try:
        staff_signs_in(page, app_url, "/admin/providers")
        row = page.get_by_test_id("provider-row").filter(has_text="Airalo")
        expect(row.get_by_test_id("provider-state")).to_have_text("On")
        row.get_by_test_id("test-connection").click()
        expect(row.get_by_test_id("test-result")).to_contain_text("Connected")
        row.get_by_test_id("provider-enabled").click()
        expect(row.get_by_test_id("provider-state")).to_have_text("Switched off")
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own event loop, away from Playwright's
            status, provider = pool.submit(asyncio.run, _new_order_in(group_key)).result(timeout=120)
        assert (status, provider != "airalo") == ("completed", True)
        row.get_by_test_id("provider-enabled").click()  # on again, through the app
        expect(row.get_by_test_id("provider-state")).to_have_text("On")
    finally:
        _reset("providers.paused")
