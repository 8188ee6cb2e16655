"""Storefront reads and `GET /api/v1/packages`: customer prices only, never cost or provider."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from esim_app.http.packages import packages_endpoint
from services import catalog
from services.catalog import SyncReport
from tests.integration.catalog.conftest import query

PROVIDER_WORDS = ("airalo", "esim_access", "esim access", "esim_go", "esim go", "cost", "provider", "micros")


@pytest.fixture
async def client() -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/api/v1/packages", packages_endpoint)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://shop") as http:
        yield http


def test_country_offers_filter_and_sort(first_sync: SyncReport) -> None:
    offers = catalog.list_country_offers("jp")
    assert offers and all(o.kind == "local" and o.destination_code == "JP" for o in offers)
    assert [o.price_cents for o in offers] == sorted(o.price_cents for o in offers)
    by_days = catalog.list_country_offers("JP", sort="days", days_min=15)
    assert by_days and all(o.validity_days >= 15 for o in by_days)
    assert [o.validity_days for o in by_days] == sorted(o.validity_days for o in by_days)
    big = catalog.list_country_offers("JP", data_min_mb=10240, unlimited=False)
    assert big and all(not o.unlimited and o.data_mb >= 10240 for o in big)
    covered = query("SELECT coverage[1] FROM packages WHERE kind = 'global' LIMIT 1")[0][0]
    multi = catalog.list_country_offers(covered, include_multi_country=True)
    assert {o.kind for o in multi} == {"local", "regional", "global"}
    with pytest.raises(catalog.UnknownDestination):
        catalog.list_country_offers("XX")
    with pytest.raises(catalog.InvalidSort):
        catalog.list_country_offers("JP", sort="cost")


def test_offer_detail_region_and_global_pages(first_sync: SyncReport) -> None:
    europe = catalog.list_region_offers("europe")
    assert europe and all(o.kind == "regional" and o.coverage_count > 30 for o in europe)
    detail = catalog.get_offer(europe[0].slug)
    assert detail is not None and len(detail.coverage) == europe[0].coverage_count
    assert any(c.code == "FR" and c.name == "France" for c in detail.coverage)
    assert catalog.list_global_offers() and catalog.get_offer("no-such-offer") is None
    first = catalog.list_country_offers("JP", data_min_mb=1)[0]
    assert first.price_per_gb_cents == round(first.price_cents * 1024 / first.data_mb)


def test_destinations_carry_their_cheapest_local_price(first_sync: SyncReport) -> None:
    japan = next(d for d in catalog.destinations_with_offers() if d.code == "JP")
    assert japan.min_price_cents == min(o.price_cents for o in catalog.list_country_offers("JP"))
    assert japan.offer_count == len(catalog.list_country_offers("JP"))


def test_price_in_display_currency(first_sync: SyncReport) -> None:
    assert catalog.price_in("USD", 1299) == 1299
    assert catalog.price_in("EUR", 1000) == 920
    with pytest.raises(catalog.UnknownCurrency):
        catalog.price_in("XYZ", 1000)


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
    assert response.json()["error"] in {"missing_destination", "unknown_destination", "invalid_sort"}
    assert response.json()["message"]
