"""Prices and storefront flags from the current settings, without asking the providers.

Used when staff change a margin rule (the preview shows `price_changes` for the proposed settings;
saving stores them and calls `apply_settings`) and when a provider is switched off or on. The rules
are the sync's own (`pricing.customer_price_cents` over the stored cost, then `select_offers` over
every group), so a sync afterwards changes nothing. One run holds the sync's advisory lock, so it
never interleaves with a sync; the storefront cache of this process is cleared at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from services.catalog.pricing import MICROS_PER_CENT, UnknownCurrency, cost_in_store_micros, customer_price_cents
from services.catalog.selection import OfferState, select_offers
from services.catalog.sync import _ADVISORY_LOCK
from services.core import db
from services.core.cache import invalidate_catalog_cache
from services.store import settings as store_settings

_COLUMNS = ("id, provider_id, slug, name, group_key, destination_code, cost_micros, cost_currency, price_cents,"
            " currency, is_topup, vanished_at IS NOT NULL, auto_mode, is_enabled, is_best_price")


@dataclass(frozen=True, slots=True)
class StoredOffer:
    id: int
    provider_id: str
    slug: str
    name: str
    group_key: str
    destination_code: str
    cost_micros: int
    cost_currency: str
    price_cents: int
    currency: str
    is_topup: bool
    vanished: bool
    auto_mode: bool
    is_enabled: bool
    is_best_price: bool


@dataclass(frozen=True, slots=True)
class PriceChange:
    """One offer whose price the proposed rules change (old → new)."""

    slug: str
    name: str
    provider_id: str
    destination_code: str
    cost_cents: int  # the provider's cost in the store currency, to the nearest cent
    old_price_cents: int
    new_price_cents: int
    currency: str


@dataclass(frozen=True, slots=True)
class RepriceReport:
    repriced: int  # offers whose price changed
    reflagged: int  # offers whose enabled or best-price flag changed


def load_offers(conn: sa.Connection, *, lock: bool = False) -> list[StoredOffer]:
    query = f"SELECT {_COLUMNS} FROM packages ORDER BY id" + (" FOR UPDATE" if lock else "")
    return [StoredOffer(*row) for row in conn.execute(sa.text(query)).all()]


def new_price(offer: StoredOffer, settings: store_settings.StoreSettings) -> int:
    """The offer's price under `settings`; its stored price when its cost currency has no rate."""
    try:
        cost = cost_in_store_micros(offer.cost_micros, offer.cost_currency, settings)
    except UnknownCurrency:
        return offer.price_cents
    return customer_price_cents(cost, provider_id=offer.provider_id, destination_code=offer.destination_code,
                                settings=settings)


def cost_cents(offer: StoredOffer, settings: store_settings.StoreSettings) -> int:
    try:
        micros = cost_in_store_micros(offer.cost_micros, offer.cost_currency, settings)
    except UnknownCurrency:
        return 0
    return int((Decimal(micros) / MICROS_PER_CENT).to_integral_value(rounding=ROUND_HALF_UP))


def price_changes(settings: store_settings.StoreSettings) -> tuple[PriceChange, ...]:
    """Every offer on the books (not vanished) whose price `settings` would change, by destination and name."""
    with db.get_engine().connect() as conn:
        offers = load_offers(conn)
    changes = []
    for offer in offers:
        price = new_price(offer, settings)
        if not offer.vanished and price != offer.price_cents:
            changes.append(PriceChange(offer.slug, offer.name, offer.provider_id, offer.destination_code,
                                       cost_cents(offer, settings), offer.price_cents, price, offer.currency))
    return tuple(sorted(changes, key=lambda c: (c.destination_code, c.name, c.slug)))


def apply_settings() -> RepriceReport:
    """Reprice every offer and redo the storefront flags under the stored settings."""
    settings = store_settings.get_store_settings()
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        offers = load_offers(conn, lock=True)
        prices = {o.id: new_price(o, settings) for o in offers}
        states = [OfferState(o.id, o.group_key, prices[o.id], o.cost_micros, o.slug, o.is_topup, o.vanished,
                             o.auto_mode, o.is_enabled, o.provider_id in settings.paused_providers) for o in offers]
        chosen = select_offers(states, auto_mode=settings.auto_mode)
        changed = [o for o in offers if (prices[o.id], chosen[o.id].is_enabled, chosen[o.id].is_best_price)
                   != (o.price_cents, o.is_enabled, o.is_best_price)]
        if changed:
            conn.execute(
                sa.text("UPDATE packages SET price_cents = :price, is_enabled = :enabled, is_best_price = :best"
                        " WHERE id = :id"),
                [{"id": o.id, "price": prices[o.id], "enabled": chosen[o.id].is_enabled,
                  "best": chosen[o.id].is_best_price} for o in changed],
            )
    invalidate_catalog_cache()
    return RepriceReport(
        repriced=sum(prices[o.id] != o.price_cents for o in changed),
        reflagged=sum((chosen[o.id].is_enabled, chosen[o.id].is_best_price) != (o.is_enabled, o.is_best_price)
                      for o in changed),
    )


def release_manual_choices(provider_id: str) -> int:
    """Offers of `provider_id` an admin enabled by hand go back to automatic choice (when the provider
    is switched off, so that switching it on again lets the best price decide); how many."""
    with db.get_engine().begin() as conn:
        return conn.execute(
            sa.text("UPDATE packages SET auto_mode = true WHERE provider_id = :p AND NOT auto_mode AND is_enabled"),
            {"p": provider_id},
        ).rowcount or 0
