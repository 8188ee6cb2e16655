"""Storefront page views: one function per page load, built from the cached catalogue reads.

The rules the pages follow live here, not in the UI: the sort and filter choices (data and
validity thresholds), which key names which destination, the popular destinations, and prices in
the currency the visitor chose (`services.store.currencies`: the amount shown is the amount checkout charges).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.catalog import queries
from services.catalog.value import best_value_slugs
from services.catalog.normalize import GLOBAL, REGION_NAMES
from services.catalog.queries import CoverageCountry, DestinationOffersView, OfferView, UnknownDestination
from services.core.destinations import REGIONS, Destination, get_destination
from services.core.errors import ServiceError
from services.core.i18n import N_
from services.store import currencies
from services.store import settings as store_settings

POPULAR = ("JP", "US", "GB", "FR", "IT", "ES", "TH", "TR", "MX", "DE", "AE", "KR")
_DATA_MIN_MB: dict[str, int | None] = {"any": None, "1": 1024, "3": 3072, "5": 5120, "10": 10240, "20": 20480}
_DAYS_MIN: dict[str, int | None] = {"any": None, "7": 7, "15": 15, "30": 30}


class InvalidFilter(ServiceError):
    code = "invalid_filter"


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str


SORT_CHOICES = (Choice("price", N_("Lowest price")), Choice("data", N_("Most data")),
                Choice("days", N_("Longest validity")))
DATA_CHOICES = tuple(Choice(k, N_("Any amount") if k == "any" else f"{k} GB or more") for k in _DATA_MIN_MB)
DAY_CHOICES = tuple(Choice(k, N_("Any duration") if k == "any" else f"{k} days or more") for k in _DAYS_MIN)


@dataclass(frozen=True, slots=True)
class PlanFilters:
    """What the visitor chose; `data` and `days` are keys of `DATA_CHOICES` and `DAY_CHOICES`."""

    sort: str = "price"
    data: str = "any"
    days: str = "any"
    unlimited_only: bool = False
    include_multi: bool = False  # a country's page also lists the regional and global plans covering it


@dataclass(frozen=True, slots=True)
class PlanListView:
    """A country, region or the global plan list, ready to show."""

    kind: str  # local | regional | global
    code: str  # ISO alpha-2, region slug or "global"
    name: str
    slug: str  # the canonical route key: country slug, region slug or "global"
    flag: str
    offers: tuple[OfferView, ...]
    coverage: tuple[CoverageCountry, ...]  # regional and global lists: every country their plans cover
    display_prices: Mapping[str, int]  # offer slug -> price in the chosen currency (as charged); empty for USD
    sort_choices: tuple[Choice, ...] = SORT_CHOICES
    data_choices: tuple[Choice, ...] = ()  # filters exist for country lists only
    day_choices: tuple[Choice, ...] = ()
    best_value: frozenset[str] = frozenset()  # slugs with the lowest price per GB of the list (`value`)


@dataclass(frozen=True, slots=True)
class PlanDetailView:
    offer: OfferView
    coverage: tuple[CoverageCountry, ...]
    operator: str | None
    supports_topup: bool
    display_price_cents: int | None  # in the chosen currency (as charged); None when it is the offer's
    is_best_value: bool = False  # the lowest price per GB of its destination's plans


@dataclass(frozen=True, slots=True)
class LandingView:
    destinations: tuple[DestinationOffersView, ...]  # countries with local plans and their cheapest price


@dataclass(frozen=True, slots=True)
class SitemapView:
    region_slugs: tuple[str, ...]
    destination_slugs: tuple[str, ...]  # countries with plans on sale


POPULAR_DESTINATIONS: tuple[Destination, ...] = tuple(d for d in map(get_destination, POPULAR) if d)


def country_plans(country: str, filters: PlanFilters, *, currency: str | None) -> PlanListView:
    """A country (ISO code or slug) with its local plans; raises `UnknownDestination`, `InvalidSort`, ..."""
    found = get_destination(country or "")
    if found is None:
        raise UnknownDestination(f"{country!r} is not a country code or slug.")
    offers = queries.list_country_offers(
        found.code, sort=filters.sort, data_min_mb=_threshold(_DATA_MIN_MB, filters.data),
        days_min=_threshold(_DAYS_MIN, filters.days), unlimited=True if filters.unlimited_only else None,
        include_multi_country=filters.include_multi,
    )
    return PlanListView("local", found.code, found.name, found.slug, found.flag, tuple(offers), (),
                        _display_prices(offers, currency), data_choices=DATA_CHOICES, day_choices=DAY_CHOICES,
                        best_value=best_value_slugs(offers))


def region_plans(region: str, *, sort: str, currency: str | None) -> PlanListView:
    slug = region.strip().lower()
    offers = queries.list_region_offers(slug, sort=sort)
    return PlanListView("regional", slug, REGION_NAMES[slug], slug, "🗺️", tuple(offers),
                        queries.coverage_of("regional", slug), _display_prices(offers, currency),
                        best_value=best_value_slugs(offers))


def global_plans(*, sort: str, currency: str | None) -> PlanListView:
    offers = queries.list_global_offers(sort=sort)
    return PlanListView("global", GLOBAL, "Global", GLOBAL, "🌍", tuple(offers), queries.coverage_of("global", GLOBAL),
                        _display_prices(offers, currency), best_value=best_value_slugs(offers))


def packages(destination: str, *, sort: str, include_multi: bool) -> PlanListView:
    """The packages API: an ISO country code, a region slug or "global"; prices in the store currency."""
    key = destination.strip().lower()
    if key == GLOBAL:
        return global_plans(sort=sort, currency=None)
    if key in REGION_NAMES:
        return region_plans(key, sort=sort, currency=None)
    if len(key) != 2:
        raise UnknownDestination(f"{destination!r} is not an ISO 3166-1 alpha-2 code, a region or global.")
    return country_plans(key, PlanFilters(sort=sort, include_multi=include_multi), currency=None)


def plan_detail(slug: str, *, currency: str | None) -> PlanDetailView | None:
    """One plan on sale with its coverage; None when it is unknown or no longer sold."""
    detail = queries.get_offer(slug)
    if detail is None:
        return None
    offer = detail.offer
    shown = None if currency in (None, offer.currency) else currencies.price_in(offer.price_cents, currency)
    return PlanDetailView(offer, detail.coverage, detail.operator, detail.supports_topup, shown,
                          is_best_value=offer.slug in best_value_slugs(_destination_offers(offer)))


def _destination_offers(offer: OfferView) -> list[OfferView]:
    """The plans listed beside `offer` on its destination's page (unfiltered)."""
    if offer.kind == "regional":
        return queries.list_region_offers(offer.destination_code)
    if offer.kind == "global":
        return queries.list_global_offers()
    return queries.list_country_offers(offer.destination_code)


def landing() -> LandingView:
    return LandingView(tuple(queries.destinations_with_offers()))


def sitemap() -> SitemapView:
    return SitemapView(tuple(r.slug for r in REGIONS), tuple(d.slug for d in queries.destinations_with_offers()))


def _display_prices(offers: list[OfferView], currency: str | None) -> dict[str, int]:
    if currency is None or currency == store_settings.STORE_CURRENCY:
        return {}
    return {o.slug: currencies.price_in(o.price_cents, currency) for o in offers if o.currency != currency}


def _threshold(thresholds: Mapping[str, int | None], key: str) -> int | None:
    if key not in thresholds:
        raise InvalidFilter(f"Filter by one of {', '.join(thresholds)}, not {key!r}.")
    return thresholds[key]
