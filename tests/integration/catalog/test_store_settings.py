"""Operator settings: stored with validation, and applied by the next sync."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa

from services.catalog import queries
from services.core import db
from services.store import settings as store_settings
from services.store.settings import InvalidSetting, get_store_settings
from tests.integration.catalog.conftest import query


@pytest.fixture
def clean_settings(catalog_db: str) -> Iterator[None]:
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key LIKE ANY (ARRAY['pricing.%', 'catalog.%', 'display.%'])"))


def test_defaults_come_from_code(clean_settings) -> None:
    assert get_store_settings() == store_settings.DEFAULTS


def test_settings_round_trip(clean_settings) -> None:
    store_settings.set_default_margin_percent("40")
    store_settings.set_provider_margin_percent("esim_go", 25)
    store_settings.set_destination_margin_percent("jp", Decimal("12.5"))
    store_settings.set_destination_margin_percent("Europe", 15)
    store_settings.set_min_margin_cents(150)
    store_settings.set_price_rounding("0.49")
    store_settings.set_auto_mode(False)
    store_settings.set_currency_rates({"eur": "0.9", "JPY": 150})
    got = get_store_settings()
    assert got.default_margin_percent == 40 and got.provider_margin_percent == {"esim_go": 25}
    assert got.destination_margin_percent == {"JP": Decimal("12.5"), "europe": 15}
    assert (got.min_margin_cents, got.rounding, got.auto_mode) == (150, "0.49", False)
    assert got.currency_rates == {"EUR": Decimal("0.9"), "JPY": 150}
    assert store_settings.set_destination_margin_percent("JP", None) == {"europe": 15}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: store_settings.set_default_margin_percent("abc"), "must be a number"),
        (lambda: store_settings.set_default_margin_percent(-1), "between 0"),
        (lambda: store_settings.set_provider_margin_percent("acme", 10), "Unknown provider"),
        (lambda: store_settings.set_destination_margin_percent("Atlantis", 10), "not a country code"),
        (lambda: store_settings.set_min_margin_cents(-5), "between 0"),
        (lambda: store_settings.set_price_rounding("0.999"), "Price rounding"),
        (lambda: store_settings.set_currency_rates({"EUR": 0}), "above zero"),
        (lambda: store_settings.set_currency_rates({"XYZ": 1}), "ISO 4217"),
        (lambda: store_settings.set_currency_rates({"USD": 1}), "base currency"),
    ],
)
def test_invalid_values_are_refused_with_a_clear_message(clean_settings, call, message: str) -> None:
    with pytest.raises(InvalidSetting, match=message):
        call()
    assert get_store_settings() == store_settings.DEFAULTS


def test_margins_apply_at_the_next_sync_and_auto_mode_off_shows_every_offer(first_sync, sync, clean_settings) -> None:
    store_settings.set_destination_margin_percent("JP", 200)
    store_settings.set_price_rounding("none")
    store_settings.set_auto_mode(False)
    sync()
    rows = query("SELECT cost_micros, price_cents FROM packages WHERE destination_code = 'JP'")
    assert all(price == -(-cost * 3 // 10_000) for cost, price in rows)
    assert len(queries.list_country_offers("JP")) == query(
        "SELECT count(*) FROM packages WHERE destination_code = 'JP' AND NOT is_topup")[0][0]
    # back to the defaults for the tests after this one
    store_settings.set_destination_margin_percent("JP", None)
    store_settings.set_price_rounding("0.99")
    store_settings.set_auto_mode(True)
    sync()
    assert len(queries.list_country_offers("JP")) == query(
        "SELECT count(*) FROM packages WHERE destination_code = 'JP' AND is_best_price")[0][0]
