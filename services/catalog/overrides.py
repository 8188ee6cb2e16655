"""Admin overrides of single offers. A manual choice sets `auto_mode=False`, which syncs keep."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from services.catalog.selection import OfferState, select_offers
from services.core import db
from services.core.cache import invalidate_catalog_cache
from services.core.errors import ServiceError
from services.store import settings as store_settings


class OfferNotFound(ServiceError):
    code = "offer_not_found"


@dataclass(frozen=True, slots=True)
class OfferFlagsView:
    slug: str
    is_enabled: bool
    is_best_price: bool
    auto_mode: bool


def set_offer_enabled(slug: str, *, enabled: bool) -> OfferFlagsView:
    """Enable or disable one offer by hand; the group's best price is recomputed."""
    return _override(slug, auto_mode=False, enabled=enabled)


def return_offer_to_auto(slug: str) -> OfferFlagsView:
    """Drop the manual choice: the offer follows auto mode again."""
    return _override(slug, auto_mode=True, enabled=None)


def _override(slug: str, *, auto_mode: bool, enabled: bool | None) -> OfferFlagsView:
    settings = store_settings.get_store_settings()
    with db.get_engine().begin() as conn:
        group = conn.execute(
            sa.text("SELECT group_key FROM packages WHERE slug = :slug FOR UPDATE"), {"slug": slug}
        ).scalar()
        if group is None:
            raise OfferNotFound(f"No offer {slug!r}.")
        conn.execute(
            sa.text("UPDATE packages SET auto_mode = :auto, is_enabled = coalesce(:enabled, is_enabled)"
                    " WHERE slug = :slug"),
            {"auto": auto_mode, "enabled": enabled, "slug": slug},
        )
        rows = conn.execute(
            sa.text("SELECT id, slug, price_cents, cost_micros, is_topup, vanished_at IS NOT NULL, auto_mode,"
                    " is_enabled, provider_id FROM packages WHERE group_key = :group ORDER BY id FOR UPDATE"),
            {"group": group},
        ).all()
        states = [OfferState(r[0], group, r[2], r[3], r[1], r[4], r[5], r[6], r[7], r[8] in settings.paused_providers)
                  for r in rows]
        chosen = select_offers(states, auto_mode=settings.auto_mode)
        conn.execute(
            sa.text("UPDATE packages SET is_enabled = :enabled, is_best_price = :best WHERE id = :id"),
            [{"id": key, "enabled": s.is_enabled, "best": s.is_best_price} for key, s in chosen.items()],
        )
    invalidate_catalog_cache()
    mine = next(s for s in states if s.slug == slug)
    flags = chosen[mine.key]
    return OfferFlagsView(slug, flags.is_enabled, flags.is_best_price, auto_mode)
