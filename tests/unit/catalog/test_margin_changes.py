"""A margin-rule change, validated and applied in memory (the preview's settings), then priced."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.catalog.pricing import customer_price_cents
from services.store import settings as store
from services.store.margins import MarginChange, applied, current_value, validated

BASE = store.StoreSettings(default_margin_percent=Decimal(35), min_margin_cents=100, rounding="0.99")


def _price(settings: store.StoreSettings, cost_cents: int, destination: str = "JP") -> int:
    return customer_price_cents(cost_cents * 10_000, provider_id="p1", destination_code=destination,
                                settings=settings)


def test_a_destination_margin_applies_to_that_destination_only() -> None:
    change = validated(MarginChange("destination", "jp", "100"))
    assert change == MarginChange("destination", "JP", "100")
    proposed = applied(BASE, change)
    assert _price(proposed, 1000) == 2099  # 10.00 + 100 % = 20.00, rounded up to the next .99
    assert _price(proposed, 1000, "FR") == _price(BASE, 1000, "FR") == 1399  # 13.50 → 13.99
    assert current_value(BASE, change) == "" and current_value(proposed, change) == "100"


def test_the_minimum_margin_lifts_cheap_plans_and_rounding_ends_every_price() -> None:
    proposed = applied(applied(BASE, validated(MarginChange("minimum", "", "300"))),
                       validated(MarginChange("rounding", "", "0.49")))
    assert _price(proposed, 200) == 549  # 2.00 + 35 % = 2.70 < 2.00 + 3.00 = 5.00 → 5.49
    assert _price(proposed, 10_000) == 13_549  # 100.00 + 35 % = 135.00 → 135.49
    assert _price(applied(proposed, validated(MarginChange("rounding", "", "none"))), 10_000) == 13_500


def test_an_empty_value_removes_a_rule_and_bad_values_are_refused() -> None:
    with_rule = applied(BASE, validated(MarginChange("provider", "airalo", "50")))
    assert with_rule.provider_margin_percent == {"airalo": Decimal(50)}
    assert applied(with_rule, validated(MarginChange("provider", "airalo", ""))).provider_margin_percent == {}
    for bad in (MarginChange("default", "", "abc"), MarginChange("minimum", "", "-1"),
                MarginChange("destination", "XX", "5"), MarginChange("provider", "nobody", "5"),
                MarginChange("rounding", "", "1.99"), MarginChange("everything", "", "5")):
        with pytest.raises(store.InvalidSetting):
            validated(bad)
