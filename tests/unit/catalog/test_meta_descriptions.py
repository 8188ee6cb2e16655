"""Meta descriptions of the plan pages: one sentence from what the page sells, short enough for a search result."""

from __future__ import annotations

from esim_app.state.catalog import list_description, plan_description
from services import catalog


def _offer(price_cents: int, days: int, *, data_mb: int | None = 1024, kind: str = "local",
           name: str = "Japan 1 GB", destination: str = "Japan", coverage: int = 1) -> catalog.OfferView:
    return catalog.OfferView(slug=f"x-{price_cents}", name=name, kind=kind, destination_code="JP",
                             destination_name=destination, data_mb=data_mb, unlimited=data_mb is None,
                             validity_days=days, price_cents=price_cents, currency="USD", is_best_price=True,
                             price_per_gb_cents=None, coverage_count=coverage)


def _country(code: str) -> catalog.CoverageCountry:
    return catalog.CoverageCountry(code=code, name=code, flag="")


def _list(kind: str, name: str, offers: tuple, coverage: int = 0) -> catalog.PlanListView:
    return catalog.PlanListView(kind=kind, code="x", name=name, slug="x", flag="", offers=offers,
                                coverage=tuple(_country(f"C{i}") for i in range(coverage)), display_prices={})


def test_a_country_list_names_the_country_the_count_the_lowest_price_and_the_validity_span() -> None:
    text = list_description(_list("local", "Japan", (_offer(899, 30), _offer(450, 7), _offer(1500, 15))))
    assert text.startswith("Prepaid eSIM data in Japan: 3 plans from $4.50, valid 7 to 30 days.")
    assert len(text) <= 160


def test_regional_and_global_lists_say_how_many_countries_they_cover() -> None:
    assert "across 34 countries in Europe: 2 plans from $9.00, valid 30 days." in list_description(
        _list("regional", "Europe", (_offer(900, 30), _offer(1900, 30)), coverage=34))
    assert "in 120 countries worldwide: 1 plan from $9.00" in list_description(
        _list("global", "Global", (_offer(900, 30),), 120))


def test_an_empty_list_still_describes_the_destination() -> None:
    assert list_description(_list("local", "Japan", ())).startswith("Prepaid eSIM data in Japan for travellers")


def test_a_plan_names_its_data_validity_place_and_price() -> None:
    assert plan_description(catalog.PlanDetailView(_offer(450, 7), (), None, False, None)).startswith(
        "1 GB of data for 7 days in Japan for $4.50")
    multi = plan_description(catalog.PlanDetailView(
        _offer(3900, 30, data_mb=None, kind="regional", name="Europe", destination="Europe", coverage=34),
        (), None, True, None))
    assert multi.startswith("Unlimited data for 30 days in 34 countries (Europe) for $39.00")
