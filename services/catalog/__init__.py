"""The catalogue's public face: one async function per storefront page load or action.

The UI imports only this module. Each function owns its thread and database reads (cached per
process, see `services.core.cache`; the views below are cached whole too, so a page load that finds
its view answers without leaving the event loop). `currency` is the one the visitor pays in; None is the
store's (USD). Jobs, the CLI and tests use the synchronous modules: `sync`
(catalogue sync), `queries` (storefront reads), `overrides` (admin choices), `pages` (page views).
"""

from __future__ import annotations

import asyncio
import functools

from services.catalog import devices, pages
from services.core import cache
from services.catalog.devices import DeviceModel, DevicesView, MakerDevices
from services.catalog.overrides import OfferNotFound
from services.catalog.pages import (
    POPULAR_DESTINATIONS,
    Choice,
    InvalidFilter,
    LandingView,
    PlanDetailView,
    PlanFilters,
    PlanListView,
    SitemapView,
)
from services.catalog.queries import (
    CoverageCountry,
    DestinationOffersView,
    InvalidSort,
    OfferView,
    UnknownDestination,
    per_gb_cents,
)
from services.core.destinations import REGIONS, Destination, Region, all_destinations, search_destinations
from services.store.currencies import UnknownCurrency

MAX_SEARCH_LENGTH = 60


async def get_landing() -> LandingView:
    """The landing page: countries with plans and their cheapest price."""
    return await cache.read(("view", "landing"), pages.landing)


async def search(query: str) -> tuple[Destination, ...]:
    """Countries matching what a traveller typed (prefix, alias, code or a small typo), best first."""
    return _search(query[:MAX_SEARCH_LENGTH])


@functools.lru_cache(maxsize=2048)
def _search(query: str) -> tuple[Destination, ...]:
    """The destinations are fixed, so a query's answer is too; travellers type the same few prefixes."""
    return tuple(search_destinations(query))


async def list_devices(query: str = "") -> DevicesView:
    """eSIM-capable phones by maker matching what a traveller typed (all when blank), for the checker."""
    return devices.find_devices(query)


async def list_country_plans(
    country: str, filters: PlanFilters | None = None, *, currency: str | None = None
) -> PlanListView:
    """A country's plans (ISO code or slug), unfiltered by default; raises `UnknownDestination`,
    `InvalidSort`, `InvalidFilter`, `UnknownCurrency`."""
    chosen = filters or PlanFilters()
    return await cache.read(("view", "country", country, chosen, currency),
                            lambda: pages.country_plans(country, chosen, currency=currency))


async def list_region_plans(region: str, *, sort: str = "price", currency: str | None = None) -> PlanListView:
    """A region's plans and every country they cover; raises `UnknownDestination`, `InvalidSort`, ..."""
    return await cache.read(("view", "region", region, sort, currency),
                            lambda: pages.region_plans(region, sort=sort, currency=currency))


async def list_global_plans(*, sort: str = "price", currency: str | None = None) -> PlanListView:
    """The global plans and every country they cover; raises `InvalidSort` or `UnknownCurrency`."""
    return await cache.read(("view", "global", sort, currency), lambda: pages.global_plans(sort=sort, currency=currency))


async def get_plan(slug: str, *, currency: str | None = None) -> PlanDetailView | None:
    """One plan on sale with its coverage; None when unknown or no longer sold."""
    return await cache.read(("view", "plan", slug, currency), lambda: pages.plan_detail(slug, currency=currency))


async def list_packages(destination: str, *, sort: str = "price", include_multi: bool = False) -> PlanListView:
    """`GET /api/v1/packages`: an ISO country code, a region slug or "global"; store-currency prices."""
    return await asyncio.to_thread(pages.packages, destination, sort=sort, include_multi=include_multi)


async def get_sitemap() -> SitemapView:
    """The regions and the countries with plans on sale, for `/sitemap.xml`."""
    return await asyncio.to_thread(pages.sitemap)


__all__ = [
    "POPULAR_DESTINATIONS", "REGIONS", "Choice", "CoverageCountry", "Destination", "DestinationOffersView",
    "DeviceModel", "DevicesView", "MakerDevices", "list_devices",
    "InvalidFilter", "InvalidSort", "LandingView", "OfferNotFound", "OfferView", "PlanDetailView", "PlanFilters",
    "PlanListView", "Region", "SitemapView", "UnknownCurrency", "UnknownDestination", "all_destinations", "get_landing", "get_plan",
    "get_sitemap", "list_country_plans", "list_global_plans", "list_packages", "list_region_plans", "per_gb_cents", "search",
]
