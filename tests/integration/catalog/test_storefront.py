"""Storefront reads, page views and `GET /api/v1/packages`: customer prices only, never cost or provider."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from esim_app.errors import MESSAGES
from esim_app.http.packages import packages_endpoint
from services import catalog, store
from services.catalog import queries
from services.catalog.sync import SyncReport
from tests.integration.catalog.conftest import query

PROVIDER_WORDS = ("airalo", "esim_access", "esim access", "esim_go", "esim go", "cost", "provider", "micros")


@pytest.fixture
async def client() -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/api/v1/packages", packages_endpoint)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://shop") as http:
        yield http


def test_country_offers_filter_and_sort(first_sync: SyncReport) -> None:
    offers = queries.list_country_offers("jp")
    assert offers and all(o.kind == "local" and o.destination_code == "JP" for o in offers)
    assert [o.price_cents for o in offers] == sorted(o.price_cents for o in offers)
    by_days = queries.list_country_offers("JP", sort="days", days_min=15)
    assert by_days and all(o.validity_days >= 15 for o in by_days)
    assert [o.validity_days for o in by_days] == sorted(o.validity_days for o in by_days)
    big = queries.list_country_offers("JP", data_min_mb=10240, unlimited=False)
    assert big and all(not o.unlimited and o.data_mb >= 10240 for o in big)
    covered = query("SELECT coverage[1] FROM packages WHERE kind = 'global' LIMIT 1")[0][0]
    multi = queries.list_country_offers(covered, include_multi_country=True)
    assert {o.kind for o in multi} == {"local", "regional", "global"}
    with pytest.raises(queries.UnknownDestination):
        queries.list_country_offers("XX")
    with pytest.raises(queries.InvalidSort):
        queries.list_country_offers("JP", sort="cost")


def test_offer_detail_region_and_global_pages(first_sync: SyncReport) -> None:
    europe = queries.list_region_offers("europe")
    assert europe and all(o.kind == "regional" and o.coverage_count > 30 for o in europe)
    detail = queries.get_offer(europe[0].slug)
    assert detail is not None and len(detail.coverage) == europe[0].coverage_count
    assert any(c.code == "FR" and c.name == "France" for c in detail.coverage)
    assert queries.list_global_offers() and queries.get_offer("no-such-offer") is None
    first = queries.list_country_offers("JP", data_min_mb=1)[0]
    assert first.price_per_gb_cents == round(first.price_cents * 1024 / first.data_mb)


def test_destinations_carry_their_cheapest_local_price(first_sync: SyncReport) -> None:
    japan = next(d for d in queries.destinations_with_offers() if d.code == "JP")
    assert japan.min_price_cents == min(o.price_cents for o in queries.list_country_offers("JP"))
    assert japan.offer_count == len(queries.list_country_offers("JP"))


def _ending_99(cents: int) -> int:
    """Up to the next amount ending in .99, as the default rounding of currencies with cents does."""
    return cents - cents % 100 + 99


async def test_plan_views_show_prices_in_the_chosen_currency(first_sync: SyncReport) -> None:
    in_usd = await catalog.list_country_plans("JP")
    in_eur = await catalog.list_country_plans("JP", currency="EUR")
    assert in_usd.display_prices == {}
    assert in_eur.display_prices == {o.slug: _ending_99(-(-o.price_cents * 92 // 100)) for o in in_eur.offers}
    detail = await catalog.get_plan(in_eur.offers[0].slug, currency="GBP")
    assert detail is not None and detail.display_price_cents == _ending_99(-(-detail.offer.price_cents * 79 // 100))
    with pytest.raises(catalog.UnknownCurrency):
        await catalog.list_country_plans("JP", currency="XYZ")
    settings = await store.get_display_settings()
    assert settings.currencies == ("USD", "EUR", "GBP") and settings.refund_window_days == 30


async def test_the_best_value_badge_marks_the_lowest_price_per_gb_of_the_page_and_its_plan(
        first_sync: SyncReport) -> None:
    view = await catalog.list_country_plans("JP")
    limited = [o for o in view.offers if o.price_per_gb_cents is not None]
    lowest = min(o.price_per_gb_cents for o in limited)
    assert view.best_value == {o.slug for o in limited if o.price_per_gb_cents == lowest}
    assert len(view.best_value) < len(view.offers)  # unlike "Best price", not on every plan
    for offer in view.offers:
        detail = await catalog.get_plan(offer.slug)
        assert detail is not None and detail.is_best_value is (offer.slug in view.best_value)
    small = await catalog.list_country_plans("JP", catalog.PlanFilters(unlimited_only=True))
    assert small.best_value == frozenset()  # unlimited plans have no price per GB


async def test_country_view_takes_a_slug_or_code_and_offers_the_filters(first_sync: SyncReport) -> None:
    view = await catalog.list_country_plans("japan", catalog.PlanFilters(sort="days", days="15"))
    assert (view.kind, view.code, view.slug, view.name) == ("local", "JP", "japan", "Japan")
    assert view.offers and all(o.validity_days >= 15 for o in view.offers)
    assert [o.validity_days for o in view.offers] == sorted(o.validity_days for o in view.offers)
    assert [c.key for c in view.data_choices] == ["any", "1", "3", "5", "10", "20"]
    assert [c.key for c in view.day_choices] == ["any", "7", "15", "30"] and view.coverage == ()
    unlimited = await catalog.list_country_plans("JP", catalog.PlanFilters(unlimited_only=True))
    assert all(o.unlimited for o in unlimited.offers)
    for bad, error in (("europe", catalog.UnknownDestination), ("XX", catalog.UnknownDestination)):
        with pytest.raises(error):
            await catalog.list_country_plans(bad)
    with pytest.raises(catalog.InvalidFilter):
        await catalog.list_country_plans("JP", catalog.PlanFilters(data="2"))


async def test_region_and_global_views_carry_the_union_of_their_coverage(first_sync: SyncReport) -> None:
    europe = await catalog.list_region_plans("Europe", sort="data")
    assert (europe.kind, europe.slug, europe.name) == ("regional", "europe", "Europe")
    assert europe.data_choices == europe.day_choices == ()
    union = {c.code for o in europe.offers for c in queries.get_offer(o.slug).coverage}
    assert {c.code for c in europe.coverage} == union and "FR" in union
    assert [c.name for c in europe.coverage] == sorted(c.name for c in europe.coverage)
    world = await catalog.list_global_plans()
    assert world.offers and len(world.coverage) >= max(o.coverage_count for o in world.offers)
    with pytest.raises(catalog.UnknownDestination):
        await catalog.list_region_plans("japan")


async def test_landing_sitemap_and_search_views(first_sync: SyncReport) -> None:
    landing = await catalog.get_landing()
    assert {d.code for d in landing.destinations} >= {d.code for d in catalog.POPULAR_DESTINATIONS}
    sitemap = await catalog.get_sitemap()
    assert "europe" in sitemap.region_slugs and "japan" in sitemap.destination_slugs
    assert (await catalog.search("japn"))[0].code == "JP"
    assert await catalog.get_plan("no-such-offer") is None


async def test_endpoint_lists_offers_with_prices_and_nothing_about_providers(first_sync, client) -> None:
    response = await client.get("/api/v1/packages", params={"destination": "JP", "include": "multi"})
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    body = response.json()
    assert body["destination"] == {"code": "JP", "name": "Japan", "kind": "local"}
    assert body["offers"] and all(o["price_cents"] > 0 and o["currency"] == "USD" for o in body["offers"])
    text = response.text.lower()
    assert not any(word in text for word in PROVIDER_WORDS)
    for destination in ("europe", "global"):
        region = await client.get("/api/v1/packages", params={"destination": destination})
        assert region.status_code == 200 and region.json()["offers"]
        assert not any(word in region.text.lower() for word in PROVIDER_WORDS)


@pytest.mark.parametrize("params", [{}, {"destination": ""}, {"destination": "XX"}, {"destination": "Japan!"},
                                    {"destination": "JP", "sort": "cost"}])
async def test_endpoint_refuses_a_bad_request_with_a_clear_message(first_sync, client, params) -> None:
    response = await client.get("/api/v1/packages", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] in {"missing_destination", "unknown_destination", "invalid_sort"}
    assert body["message"] and body["message"] == MESSAGES.get(body["error"], body["message"])
    assert "XX" not in body["message"] and "cost" not in body["message"]
