"""The catalogue as a company sees it: the storefront's plans for a destination at the company's prices.

Until staff set volume tiers (bulk orders), a company's unit price is the list price; the view keeps
both, so a client can show the saving once tiers exist. Never cost or provider identity.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.catalog import pages
from services.catalog.queries import OfferView
from services.enterprise.api_keys import ApiCaller


@dataclass(frozen=True)
class CompanyOffer:
    ref: str  # the plan's slug, what orders name
    name: str
    kind: str  # local | regional | global
    destination_code: str
    destination_name: str
    data_mb: int | None  # None when unlimited
    unlimited: bool
    validity_days: int
    coverage_count: int
    list_price_cents: int
    unit_price_cents: int  # the company's price for one
    currency: str


@dataclass(frozen=True)
class CompanyCatalogue:
    kind: str
    code: str
    name: str
    offers: tuple[CompanyOffer, ...]


def _offer(offer: OfferView) -> CompanyOffer:
    return CompanyOffer(ref=offer.slug, name=offer.name, kind=offer.kind, destination_code=offer.destination_code,
                        destination_name=offer.destination_name, data_mb=offer.data_mb, unlimited=offer.unlimited,
                        validity_days=offer.validity_days, coverage_count=offer.coverage_count,
                        list_price_cents=offer.price_cents, unit_price_cents=offer.price_cents, currency=offer.currency)


def company_catalogue(caller: ApiCaller, destination: str, *, sort: str = "price") -> CompanyCatalogue:
    """Plans for `destination` (ISO country code, region slug or "global") with the caller's prices;
    raises `UnknownDestination` or `InvalidSort` as the storefront does. `caller` was authenticated
    for this request (its company is active); its prices are the list prices until volume tiers exist."""
    del caller  # every company pays list price for now
    view = pages.packages(destination, sort=sort, include_multi=True)
    return CompanyCatalogue(kind=view.kind, code=view.code, name=view.name,
                            offers=tuple(_offer(offer) for offer in view.offers))
