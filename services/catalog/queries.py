"""Storefront reads of the catalogue. No provider identity or cost ever leaves this module.

Only storefront offers are read: enabled, not vanished, not top-ups. Results are cached for
`catalog_cache.TTL_SECONDS` per process (a sync in this process clears them at once).

Country pages list the country's local plans; `include_multi_country=True` adds the regional and
global plans that cover it (the page can show them in a second section). Sorting is ascending:
"price" (cheapest first), "data" (smallest first, unlimited last) or "days" (shortest first),
with price then slug as tie-breakers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from services.catalog.normalize import GLOBAL, REGION_NAMES
from services.core import db
from services.core.cache import cached
from services.core.destinations import Destination, get_destination
from services.core.errors import ServiceError

Sort = Literal["price", "data", "days"]
SORTS: tuple[str, ...] = ("price", "data", "days")

_STOREFRONT = "is_enabled AND NOT is_topup AND vanished_at IS NULL"
_OFFER_COLUMNS = (
    "slug, name, kind, destination_code, destination_name, data_mb, unlimited, validity_days, price_cents,"
    " currency, is_best_price, cardinality(coverage)"
)


class UnknownDestination(ServiceError):
    code = "unknown_destination"


class InvalidSort(ServiceError):
    code = "invalid_sort"


@dataclass(frozen=True, slots=True)
class OfferView:
    slug: str
    name: str
    kind: str  # local | regional | global
    destination_code: str  # ISO alpha-2, region slug or "global"
    destination_name: str
    data_mb: int | None  # None when unlimited
    unlimited: bool
    validity_days: int
    price_cents: int
    currency: str
    is_best_price: bool
    price_per_gb_cents: int | None  # None when unlimited
    coverage_count: int


@dataclass(frozen=True, slots=True)
class CoverageCountry:
    code: str
    name: str
    flag: str


@dataclass(frozen=True, slots=True)
class OfferDetailView:
    offer: OfferView
    coverage: tuple[CoverageCountry, ...]  # sorted by name
    operator: str | None
    supports_topup: bool


@dataclass(frozen=True, slots=True)
class DestinationOffersView:
    """A country with local offers, for search results and the sitemap."""

    code: str
    name: str
    slug: str
    flag: str
    offer_count: int
    min_price_cents: int
    currency: str


def list_country_offers(
    code: str,
    *,
    sort: Sort = "price",
    data_min_mb: int | None = None,
    days_min: int | None = None,
    unlimited: bool | None = None,
    include_multi_country: bool = False,
) -> list[OfferView]:
    """Storefront offers for an ISO alpha-2 country; raises `UnknownDestination` or `InvalidSort`."""
    country = _country(code)
    offers = cached(("country", country.code, include_multi_country),
                    lambda: _load_country(country.code, include_multi_country))
    return _filter_sort(offers, sort=sort, data_min_mb=data_min_mb, days_min=days_min, unlimited=unlimited)


def list_region_offers(region_slug: str, *, sort: Sort = "price") -> list[OfferView]:
    """Regional plans filed under a region (`services.destinations.REGIONS` slugs)."""
    slug = region_slug.strip().lower()
    if slug not in REGION_NAMES:
        raise UnknownDestination(f"Unknown region {region_slug!r}; choose {', '.join(REGION_NAMES)}.")
    offers = cached(("region", slug), lambda: _load("kind = 'regional' AND destination_code = :code", code=slug))
    return _filter_sort(offers, sort=sort)


def list_global_offers(*, sort: Sort = "price") -> list[OfferView]:
    offers = cached(("global",), lambda: _load("kind = 'global' AND destination_code = :code", code=GLOBAL))
    return _filter_sort(offers, sort=sort)


def get_offer(slug: str) -> OfferDetailView | None:
    """One storefront offer with its coverage; None when unknown, disabled, vanished or a top-up."""
    return cached(("offer", slug), lambda: _load_detail(slug))


def destinations_with_offers() -> list[DestinationOffersView]:
    """Countries with at least one local offer, by name, with their cheapest price."""
    return list(cached(("destinations",), _load_destinations))


def coverage_of(kind: str, code: str) -> tuple[CoverageCountry, ...]:
    """Every country the storefront offers of one region (or "global") cover, by name; one query."""
    return cached(("coverage", kind, code), lambda: _load_coverage(kind, code))


# -- loading -----------------------------------------------------------------------------------


def _country(code: str) -> Destination:
    text = (code or "").strip()
    country = get_destination(text) if len(text) == 2 else None
    if country is None:
        raise UnknownDestination(f"{code!r} is not an ISO 3166-1 alpha-2 country code, e.g. JP.")
    return country


def per_gb_cents(price_cents: int, data_mb: int | None, unlimited: bool) -> int | None:
    if unlimited or not data_mb:
        return None
    return (price_cents * 1024 + data_mb // 2) // data_mb


def _view(row: Sequence) -> OfferView:
    (slug, name, kind, code, destination_name, data_mb, unlimited, days, price, currency, best, count) = row
    return OfferView(slug, name, kind, code, destination_name, data_mb, unlimited, days, price, currency, best,
                     per_gb_cents(price, data_mb, unlimited), count)


def _load(where: str, **params: object) -> tuple[OfferView, ...]:
    query = sa.text(f"SELECT {_OFFER_COLUMNS} FROM packages WHERE {_STOREFRONT} AND {where}")
    with db.get_engine().connect() as conn:
        return tuple(_view(r) for r in conn.execute(query, params))


def _load_country(code: str, include_multi_country: bool) -> tuple[OfferView, ...]:
    local = _load("destination_code = :code", code=code)
    if not include_multi_country:
        return local
    return local + _load("kind <> 'local' AND coverage @> ARRAY[CAST(:code AS varchar(2))]", code=code)


def _load_detail(slug: str) -> OfferDetailView | None:
    query = sa.text(
        f"SELECT {_OFFER_COLUMNS}, coverage, operator, supports_topup FROM packages"
        f" WHERE {_STOREFRONT} AND slug = :slug"
    )
    with db.get_engine().connect() as conn:
        row = conn.execute(query, {"slug": slug}).first()
    if row is None:
        return None
    return OfferDetailView(_view(row[:-3]), _countries(row[-3]), row[-2], row[-1])


def _load_coverage(kind: str, code: str) -> tuple[CoverageCountry, ...]:
    query = sa.text(
        f"SELECT DISTINCT country FROM packages, unnest(coverage) AS country"
        f" WHERE {_STOREFRONT} AND kind = :kind AND destination_code = :code"
    )
    with db.get_engine().connect() as conn:
        return _countries(conn.execute(query, {"kind": kind, "code": code}).scalars())


def _countries(codes: Iterable[str]) -> tuple[CoverageCountry, ...]:
    found = (get_destination(c) for c in codes)
    return tuple(sorted((CoverageCountry(d.code, d.name, d.flag) for d in found if d), key=lambda c: c.name))


def _load_destinations() -> tuple[DestinationOffersView, ...]:
    query = sa.text(
        f"SELECT destination_code, count(*), min(price_cents), min(currency) FROM packages"
        f" WHERE {_STOREFRONT} AND kind = 'local' GROUP BY destination_code"
    )
    with db.get_engine().connect() as conn:
        rows = conn.execute(query).all()
    found = []
    for code, count, min_price, currency in rows:
        if country := get_destination(code):
            found.append(DestinationOffersView(country.code, country.name, country.slug, country.flag, count,
                                               min_price, currency))
    return tuple(sorted(found, key=lambda d: d.name))


def _sort_key(sort: str):  # noqa: ANN202 - a key function
    if sort == "price":
        return lambda o: (o.price_cents, o.slug)
    if sort == "data":
        return lambda o: (o.unlimited, o.data_mb or 0, o.price_cents, o.slug)
    if sort == "days":
        return lambda o: (o.validity_days, o.price_cents, o.slug)
    raise InvalidSort(f"Sort by one of {', '.join(SORTS)}, not {sort!r}.")


def _filter_sort(
    offers: tuple[OfferView, ...],
    *,
    sort: str,
    data_min_mb: int | None = None,
    days_min: int | None = None,
    unlimited: bool | None = None,
) -> list[OfferView]:
    key = _sort_key(sort)
    chosen = [
        o for o in offers
        if (data_min_mb is None or o.unlimited or (o.data_mb or 0) >= data_min_mb)
        and (days_min is None or o.validity_days >= days_min)
        and (unlimited is None or o.unlimited is unlimited)
    ]
    return sorted(chosen, key=key)
