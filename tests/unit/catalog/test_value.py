"""The "Best value" badge: the lowest price per GB among the plans a page shows, and only when it stands out."""

from __future__ import annotations

from services import catalog
from services.catalog.queries import per_gb_cents
from services.catalog.value import best_value_slugs


def _offer(slug: str, price_cents: int, data_mb: int | None, *, currency: str = "USD") -> catalog.OfferView:
    unlimited = data_mb is None
    return catalog.OfferView(slug=slug, name=slug, kind="local", destination_code="JP", destination_name="Japan",
                             data_mb=data_mb, unlimited=unlimited, validity_days=30, price_cents=price_cents,
                             currency=currency, is_best_price=True,
                             price_per_gb_cents=per_gb_cents(price_cents, data_mb, unlimited), coverage_count=1)


def test_the_lowest_price_per_gb_wins_not_the_lowest_price() -> None:
    # given every plan on sale is the cheapest of its group (each used to say "Best price")
    small, large, medium = _offer("1gb", 450, 1024), _offer("10gb", 2000, 10240), _offer("5gb", 1500, 5120)
    # then only the plan with the lowest price per GB carries the badge: $2.00/GB against $4.50 and $3.00
    assert best_value_slugs([small, large, medium]) == {"10gb"}


def test_plans_with_the_same_lowest_price_per_gb_share_the_badge() -> None:
    offers = [_offer("a", 1000, 5120), _offer("b", 2000, 10240), _offer("c", 900, 3072)]
    assert best_value_slugs(offers) == {"a", "b"}  # $2.00/GB each; c is $3.00/GB


def test_unlimited_plans_have_no_price_per_gb_and_never_win() -> None:
    offers = [_offer("unlimited", 100, None), _offer("3gb", 900, 3072), _offer("1gb", 450, 1024)]
    assert best_value_slugs(offers) == {"3gb"}


def test_one_plan_alone_or_plans_all_alike_get_no_badge() -> None:
    assert best_value_slugs([_offer("only", 450, 1024)]) == frozenset()
    assert best_value_slugs([_offer("only", 450, 1024), _offer("unlimited", 2000, None)]) == frozenset()
    assert best_value_slugs([_offer("a", 450, 1024), _offer("b", 900, 2048)]) == frozenset()
    assert best_value_slugs([]) == frozenset()


def test_prices_are_compared_within_one_currency_only() -> None:
    offers = [_offer("usd-1", 450, 1024), _offer("usd-5", 1500, 5120),
              _offer("eur-1", 100, 1024, currency="EUR"), _offer("eur-5", 1400, 5120, currency="EUR")]
    assert best_value_slugs(offers) == {"usd-5", "eur-1"}
