"""Paying in yen: the traveller picks JPY, every page prices the plan in yen, and Stripe is asked for
exactly the yen amount shown."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from services.core import db
from services.payments.stripe_payments import stripe_client
from services.store import settings as store_settings
from tests.e2e.test_admin_refunds import app_stripe  # noqa: F401  (fixture)
from tests.e2e.helpers import enter_card, staff_signs_in
from tests.e2e.test_purchase import CARD_OK, _sign_in

YEN_PER_USD = "151.37"


@pytest.fixture
def yen(app_url: str) -> Iterator[None]:
    """Staff enable JPY (the app hears of it through the cache notifications); the defaults come back after."""
    store_settings.set_currency_rates({**store_settings.DEFAULTS.currency_rates, "JPY": YEN_PER_USD})
    store_settings.set_sale_currencies(["JPY"])
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key IN (:a, :b)"),
                     {"a": store_settings.CURRENCY_RATES, "b": store_settings.SALE_CURRENCIES})
    store_settings.invalidate_catalog_cache()


def _yen(text: str) -> int:
    """"¥1,513" -> 1513 (yen have no minor unit)."""
    assert text.strip().startswith("¥"), text
    return int(re.sub(r"\D", "", text))


def _choose(page: Page, currency: str) -> None:
    page.get_by_test_id("currency-select").click()
    page.get_by_role("option", name=currency, exact=True).click()


def test_a_traveller_pays_in_yen_and_stripe_charges_exactly_the_yen_shown(app_url: str, app_stripe, yen,  # noqa: F811
                                                                          page: Page) -> None:
    # picks yen on Japan's plan list: every price is in yen
    page.goto(app_url + "/destinations/japan")
    expect(page.get_by_test_id("plan-card").first).to_be_visible()
    _choose(page, "JPY")
    expect(page.get_by_test_id("plan-price").first).to_contain_text("¥")
    # the plan page and checkout show the same yen amount (the choice is remembered across pages)
    page.get_by_test_id("plan-card").first.get_by_role("link", name="Details").click()
    expect(page).to_have_url(re.compile(r"/plans/"))
    expect(page.get_by_test_id("plan-price")).to_have_count(1)
    expect(page.get_by_test_id("plan-price")).to_contain_text("¥")
    shown = _yen(page.get_by_test_id("plan-price").inner_text())
    page.get_by_test_id("buy-button").click()
    page.get_by_test_id("checkout-sign-in").click()
    _sign_in(page, app_url, f"yen-{uuid.uuid4().hex[:8]}@example.com")
    expect(page).to_have_url(re.compile(r"/checkout/"))
    expect(page.get_by_test_id("checkout-total")).to_contain_text("¥")
    assert _yen(page.get_by_test_id("checkout-total").inner_text()) == shown
    expect(page.get_by_test_id("pay-button")).to_contain_text(f"¥{shown:,}")
    # pays
    enter_card(page, CARD_OK)
    page.get_by_test_id("pay-button").click()
    expect(page).to_have_url(re.compile(r"/orders/OID[2-9A-HJ-NP-Z]{12}"), timeout=20_000)
    expect(page.get_by_test_id("order-status")).to_have_text("completed", timeout=30_000)
    # localstripe's PaymentIntent is in yen, for exactly the amount shown
    ref = page.url.rsplit("/", 1)[1]
    with db.get_engine().connect() as conn:
        intent_id, currency, amount = conn.execute(sa.text(
            "SELECT stripe_payment_intent_id, currency, price_cents FROM orders WHERE display_id = :ref"),
            {"ref": ref}).one()
    assert (currency, amount) == ("JPY", shown)
    intent = stripe_client().v1.payment_intents.retrieve(intent_id)
    assert (intent.currency, intent.amount, intent.status) == ("jpy", shown, "succeeded")


@pytest.fixture
def settings_restored(app_url: str) -> Iterator[None]:
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key LIKE 'sales.%' OR key = :rates"),
                     {"rates": store_settings.CURRENCY_RATES})
    store_settings.invalidate_catalog_cache()


def test_an_owner_offers_yen_on_the_settings_page_and_the_storefront_sells_in_it(
        app_url: str, settings_restored, page: Page) -> None:
    staff_signs_in(page, app_url, "/admin/settings")
    rows = page.get_by_test_id("currency-row")
    expect(rows).to_have_count(3)  # USD, EUR, GBP
    page.get_by_test_id("currency-code").fill("JPY")
    page.get_by_test_id("currency-rate").fill("150")
    page.get_by_test_id("currency-rounding").fill("10")
    page.get_by_test_id("currency-save").click()
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="JPY")).to_contain_text("¥1,500")  # a $9.99 plan: 1498.5 yen, up to ¥10
    page.goto(app_url + "/destinations/japan")
    _choose(page, "JPY")
    expect(page.get_by_test_id("plan-price").first).to_contain_text("¥")
    assert _yen(page.get_by_test_id("plan-price").first.inner_text()) % 10 == 0
