"""Customer prices: margin precedence, minimum margin, rounding, currencies."""

from decimal import Decimal

import pytest

from services.catalog.pricing import (
    UnknownCurrency,
    cost_in_store_micros,
    customer_price_cents,
    margin_percent,
    round_price_cents,
)
from services.store.settings import StoreSettings

SETTINGS = StoreSettings(
    default_margin_percent=Decimal(30),
    provider_margin_percent={"airalo": Decimal(20)},
    destination_margin_percent={"JP": Decimal(50), "europe": Decimal(10)},
    min_margin_cents=100,
    rounding="none",
)


def test_destination_margin_wins_over_provider_and_default() -> None:
    assert margin_percent(SETTINGS, provider_id="airalo", destination_code="JP") == 50
    assert margin_percent(SETTINGS, provider_id="airalo", destination_code="FR") == 20
    assert margin_percent(SETTINGS, provider_id="esim_go", destination_code="FR") == 30
    assert margin_percent(SETTINGS, provider_id="esim_go", destination_code="europe") == 10


def test_price_is_cost_plus_margin_rounded_up_to_the_cent() -> None:
    # 10.001 USD cost, 30 % -> 13.0013 -> 13.01
    assert customer_price_cents(10_001_000, provider_id="esim_go", destination_code="FR", settings=SETTINGS) == 1301


def test_minimum_margin_applies_when_the_percentage_is_smaller() -> None:
    # 2.00 cost, 10 % would be 0.20 margin; the floor is 1.00
    assert customer_price_cents(2_000_000, provider_id="esim_go", destination_code="europe", settings=SETTINGS) == 300


@pytest.mark.parametrize(("cents", "expected"), [(1234, 1299), (1299, 1299), (1300, 1399), (1, 99), (99, 99)])
def test_rounding_to_99_rounds_up_to_the_next_price_ending_in_99(cents: int, expected: int) -> None:
    assert round_price_cents(cents, "0.99") == expected


def test_rounding_other_endings_and_none() -> None:
    assert round_price_cents(1250, "0.49") == 1349
    assert round_price_cents(1249, "0.49") == 1249
    assert round_price_cents(1250, "0.00") == 1300
    assert round_price_cents(1234, "none") == 1234


def test_rounded_price_never_drops_below_cost_plus_minimum_margin() -> None:
    settings = StoreSettings(default_margin_percent=Decimal(0), min_margin_cents=100, rounding="0.99")
    assert customer_price_cents(9_990_000, provider_id="x", destination_code="FR", settings=settings) == 1099
    assert customer_price_cents(10_000_000, provider_id="x", destination_code="FR", settings=settings) == 1199


def test_foreign_cost_is_converted_with_the_rate_and_unknown_currency_refused() -> None:
    settings = StoreSettings(currency_rates={"EUR": Decimal("0.5")})
    assert cost_in_store_micros(1_000_000, "EUR", settings) == 2_000_000
    with pytest.raises(UnknownCurrency):
        cost_in_store_micros(1_000_000, "GBP", settings)
