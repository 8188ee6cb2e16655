"""The catalogue as a company sees it: the storefront's plans for a destination at the company's prices.

A company's unit price is the list price less its volume tier for the quantity asked about
(`services.enterprise.bulk`, the same rule a bulk order is priced by); the view keeps both prices.
Never cost or provider identity.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.catalog import pages
from services.catalog.queries import OfferView
from services.core import db
from services.enterprise.api_keys import ApiCaller
from services.enterprise.bulk import tier_discount_bp, tier_price


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
    unit_price_cents: int  # the company's price for one, in an order of `quantity`
    currency: str


@dataclass(frozen=True)
class CompanyCatalogue:
    kind: str
    code: str
    name: str
    quantity: int
    discount_bp: int  # the company's volume discount at `quantity`, in basis points
    offers: tuple[CompanyOffer, ...]


def _offer(offer: OfferView, discount_bp: int) -> CompanyOffer:
    return CompanyOffer(ref=offer.slug, name=offer.name, kind=offer.kind, destination_code=offer.destination_code,
                        destination_name=offer.destination_name, data_mb=offer.data_mb, unlimited=offer.unlimited,
                        validity_days=offer.validity_days, coverage_count=offer.coverage_count,
                        list_price_cents=offer.price_cents, unit_price_cents=tier_price(offer.price_cents, discount_bp),
                        currency=offer.currency)


def company_catalogue(caller: ApiCaller, destination: str, *, sort: str = "price", quantity: int = 1) -> CompanyCatalogue:
    """Plans for `destination` (ISO country code, region slug or "global") at the caller's prices for an
    order of `quantity` eSIMs; raises `UnknownDestination` or `InvalidSort` as the storefront does."""
    view = pages.packages(destination, sort=sort, include_multi=True)
    with db.session() as s:
        discount = tier_discount_bp(s, caller.company_id, max(1, quantity))
    return CompanyCatalogue(kind=view.kind, code=view.code, name=view.name, quantity=max(1, quantity),
                            discount_bp=discount, offers=tuple(_offer(offer, discount) for offer in view.offers))
