"""Prices in the currencies customers pay in: each currency's minor units, rounding and rate."""

from decimal import Decimal

import pytest

from services.store import values
from services.store.currencies import UnknownCurrency, local_price, price_in, round_up, sale_currencies, to_base_cents
from services.store.settings import StoreSettings

RATES = {"EUR": Decimal("0.92"), "GBP": Decimal("0.79"), "JPY": Decimal("151.37"), "CHF": Decimal("0.88")}
SETTINGS = StoreSettings(currency_rates=RATES, sale_currencies=("JPY",))


def test_usd_eur_gbp_are_always_sold_and_others_only_when_enabled_with_a_rate() -> None:
    assert sale_currencies(SETTINGS) == ("USD", "EUR", "GBP", "JPY")  # CHF has a rate (a provider cost) only
    assert sale_currencies(StoreSettings(currency_rates=RATES, sale_currencies=("KRW",))) == ("USD", "EUR", "GBP")
    with pytest.raises(UnknownCurrency):
        price_in(999, "CHF", SETTINGS)


def test_usd_is_the_catalogue_price_untouched() -> None:
    assert local_price(1299, "usd", SETTINGS) == local_price(1299, "USD", SETTINGS)
    assert price_in(1234, "USD", SETTINGS) == 1234


def test_currencies_with_cents_end_in_the_store_ending_by_default() -> None:
    assert price_in(999, "EUR", SETTINGS) == 999  # 9.99 × 0.92 = 9.19 → 9.99
    assert price_in(1999, "GBP", SETTINGS) == 1599  # 19.99 × 0.79 = 15.79 → 15.99
    assert price_in(1087, "EUR", SETTINGS) == 1099  # 10.87 × 0.92 = 10.0004 → 10.99, never below the exact price


def test_yen_are_whole_yen_in_babels_minor_units() -> None:
    assert price_in(999, "JPY", SETTINGS) == 1513  # 9.99 × 151.37 = 1512.19 → ¥1513 (no minor unit)
    tens = StoreSettings(currency_rates=RATES, sale_currencies=("JPY",), currency_rounding={"JPY": "10"})
    assert price_in(999, "JPY", tens) == 1520
    assert price_in(1000, "JPY", StoreSettings(currency_rates={"JPY": Decimal(150)}, sale_currencies=("JPY",))) == 1500


def test_staff_rounding_per_currency() -> None:
    mixed = StoreSettings(currency_rates=RATES, currency_rounding={"EUR": "none", "GBP": "0.49"})
    assert price_in(999, "EUR", mixed) == 920  # 9.1908 rounded up to the cent
    assert price_in(999, "GBP", mixed) == 849  # 7.8921 → 8.49
    assert price_in(1100, "GBP", mixed) == 949  # 8.69 → 9.49
    assert price_in(999, "EUR", StoreSettings(currency_rates=RATES, currency_rounding={"EUR": "1"})) == 1000


def test_round_up_keeps_an_amount_already_rounded() -> None:
    assert round_up(Decimal("12.99"), "EUR", "0.99") == 1299
    assert round_up(Decimal("1500"), "JPY", "10") == 1500
    assert round_up(Decimal("1500.0001"), "JPY", "1") == 1501


def test_the_order_keeps_the_rate_and_the_usd_worth_of_what_was_charged() -> None:
    price = local_price(999, "JPY", SETTINGS)
    assert (price.currency, price.amount_minor, price.fx_rate) == ("JPY", 1513, Decimal("151.37"))
    assert price.base_cents == 1000  # ¥1513 / 151.37 = 9.9954 USD
    assert to_base_cents(999, "EUR", Decimal("0.92")) == 1086
    assert local_price(500, "USD", SETTINGS).base_cents == 500


@pytest.mark.parametrize(("rule", "currency", "problem"), [
    ("0.99", "JPY", "no cents"), ("12", "EUR", None), ("0", "EUR", "whole units"), ("abc", "EUR", "whole units"),
])
def test_rounding_rules_are_checked_against_the_currency(rule, currency, problem) -> None:
    if problem is None:
        assert values.currency_rounding(rule, currency) == rule
        return
    with pytest.raises(values.InvalidSetting, match=problem):
        values.currency_rounding(rule, currency)


@pytest.mark.parametrize("code", ["HUF", "ISK", "BHD", "XYZ", "EU"])
def test_currencies_stripe_counts_otherwise_cannot_be_enabled(code) -> None:
    with pytest.raises(values.InvalidSetting):
        values.sale_currency(code)
    assert values.sale_currencies('["jpy", "USD", "KRW"]') == ("JPY", "KRW")
