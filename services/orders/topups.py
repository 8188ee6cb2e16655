"""Top-ups: the packages that fit one of the customer's eSIMs, at our prices.

The eSIM's provider decides what fits (`Provider.list_topups`); we sell those of its packages we
know and have enabled (an operator's disabled package is not sold), priced like the rest of the catalogue. Provider identity and cost never leave this module.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlmodel import select

from providers import base as pb
from providers.registry import ProviderRegistry
from services.catalog.queries import OfferView, per_gb_cents
from services.core import db
from services.core.models import Esim, EsimStatus, Package
from services.core.provider_runtime import get_registry
from services.orders.errors import EsimNotFound, TopupDoesNotFit, TopupOffersUnavailable, TopupUnavailable
from services.store import currencies


@dataclass(frozen=True, slots=True)
class PricedOffer:
    """A top-up at the price checkout charges for it in `currency` (the offer itself is priced in USD)."""

    offer: OfferView
    price_minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class _Target:
    esim_id: int
    iccid: str
    provider_id: str


def _target(user_id: int, esim_ref: str) -> _Target:
    with db.session() as s:
        esim = s.exec(select(Esim).where(Esim.user_id == user_id, Esim.display_id == esim_ref)).first()
        if esim is None:
            raise EsimNotFound(f"user {user_id} has no eSIM {esim_ref}")
        if esim.status in (EsimStatus.EXPIRED, EsimStatus.CANCELLED):
            raise TopupUnavailable(f"eSIM {esim_ref} is {esim.status}")
        return _Target(esim.id, esim.iccid, esim.provider_id)


def _offers(provider_id: str, package_ids: list[str]) -> list[OfferView]:
    with db.session() as s:
        rows = s.exec(
            select(Package).where(Package.provider_id == provider_id, Package.provider_package_id.in_(package_ids),
                                  Package.vanished_at.is_(None), Package.is_enabled)
            .order_by(Package.price_cents, Package.id)
        ).all()
    return [OfferView(p.slug, p.name, p.kind, p.destination_code, p.destination_name, p.data_mb, p.unlimited,
                      p.validity_days, p.price_cents, p.currency, False, per_gb_cents(p.price_cents, p.data_mb, p.unlimited),
                      len(p.coverage)) for p in rows]


async def list_topup_offers(user_id: int, *, esim_ref: str,
                            registry: ProviderRegistry | None = None) -> list[OfferView]:
    """What the customer can add to this eSIM, cheapest first; `EsimNotFound` for other people's eSIMs.

    `registry` defaults to the process's own.
    """
    target = await asyncio.to_thread(_target, user_id, esim_ref)
    registry = get_registry() if registry is None else registry
    try:
        fitting = await registry.get(target.provider_id).list_topups(target.iccid)
    except pb.ProviderError as exc:
        raise TopupOffersUnavailable(f"top-ups of eSIM {esim_ref}: {exc}") from exc
    return await asyncio.to_thread(_offers, target.provider_id, [p.provider_package_id for p in fitting])


async def list_priced_topup_offers(user_id: int, *, esim_ref: str, currency: str,
                                   registry: ProviderRegistry | None = None) -> list[PricedOffer]:
    """What the customer can add to this eSIM, cheapest first, priced in `currency` exactly as checkout
    charges it (`UnknownCurrency` when customers cannot pay in it)."""
    offers = await list_topup_offers(user_id, esim_ref=esim_ref, registry=registry)
    settings = currencies.storefront_settings()
    priced = [(o, currencies.local_price(o.price_cents, currency, settings)) for o in offers]
    return [PricedOffer(o, price.amount_minor, price.currency) for o, price in priced]


async def check_topup(user_id: int, *, esim_ref: str, plan_slug: str,
                      registry: ProviderRegistry | None = None) -> tuple[int, OfferView]:
    """(eSIM id, offer) when `plan_slug` fits this customer's eSIM; raises otherwise."""
    offers = await list_topup_offers(user_id, esim_ref=esim_ref, registry=registry)
    for offer in offers:
        if offer.slug == plan_slug:
            target = await asyncio.to_thread(_target, user_id, esim_ref)
            return target.esim_id, offer
    raise TopupDoesNotFit(f"plan {plan_slug} does not fit eSIM {esim_ref}")

