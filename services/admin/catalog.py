"""Catalogue and margins for staff: groups of equivalent offers, overrides, margin rules with a preview.

A margin change is previewed first (every offer whose price it changes, old → new, computed by the
same code that saving runs) and then saved: the rule is stored, every price and storefront flag is
recomputed at once (`services.catalog.reprice`) and the storefront cache is cleared, so the
destination pages show the new prices immediately. Every change is audited with before and after.
Owners and operations staff act; the page is theirs only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from providers.specs import PROVIDER_NAMES, provider_name
from services.accounts.sessions import Identity
from services.accounts.staff_access import active_staff_id, record
from services.admin.access import OPERATORS
from services.catalog import overrides, reprice
from services.catalog.reprice import PriceChange
from services.core import db
from services.store import margins
from services.store import settings as store
from services.store.margins import MarginChange

MAX_PREVIEW_ROWS = 500  # the preview lists this many changed offers (and counts them all)


@dataclass(frozen=True, slots=True)
class MarginRulesView:
    default_percent: str
    provider_percent: tuple[tuple[str, str, str], ...]  # (provider id, display name, percent or "")
    destination_percent: tuple[tuple[str, str], ...]  # (country code / region / "global", percent)
    min_margin_cents: int
    rounding: str
    store_currency: str
    destinations: tuple[tuple[str, str], ...]  # (code, name) of regions, "global" and countries with offers


@dataclass(frozen=True, slots=True)
class MarginPreview:
    change: MarginChange  # validated, canonical: what saving it stores
    before: str  # the rule's value now ("" for none)
    changes: tuple[PriceChange, ...]  # at most MAX_PREVIEW_ROWS
    total: int  # offers whose price changes


@dataclass(frozen=True, slots=True)
class MarginSaved:
    change: MarginChange
    repriced: int
    reflagged: int


@dataclass(frozen=True, slots=True)
class OfferRowView:
    group_key: str
    group_name: str
    slug: str
    provider_id: str
    provider_name: str
    cost_cents: int
    price_cents: int
    currency: str
    margin_cents: int
    margin_percent: Decimal  # of the price
    is_best_price: bool
    is_enabled: bool
    auto_mode: bool
    provider_paused: bool


@dataclass(frozen=True, slots=True)
class OfferGroupsPage:
    rows: tuple[OfferRowView, ...]
    groups: int  # groups matching, over all pages


def margin_rules(identity: Identity) -> MarginRulesView:
    active_staff_id(identity, OPERATORS)
    s = store.get_store_settings()
    return MarginRulesView(
        margins.text(s.default_margin_percent),
        tuple((pid, name, margins.current_value(s, MarginChange("provider", pid))) for pid, name in PROVIDER_NAMES.items()),
        tuple(sorted((k, margins.text(v)) for k, v in s.destination_margin_percent.items())),
        s.min_margin_cents, s.rounding, store.STORE_CURRENCY, _destinations(),
    )


def _destinations() -> tuple[tuple[str, str], ...]:
    with db.get_engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT destination_code, min(destination_name), min(kind) FROM packages"
                                    " WHERE vanished_at IS NULL AND NOT is_topup GROUP BY destination_code")).all()
    multi = sorted((r[0], r[1]) for r in rows if r[2] != "local")
    return tuple(multi) + tuple(sorted(((r[0], r[1]) for r in rows if r[2] == "local"), key=lambda r: r[1]))


def preview_margin(identity: Identity, change: MarginChange) -> MarginPreview:
    """The offers whose price the change would change; nothing is stored."""
    active_staff_id(identity, OPERATORS)
    change = margins.validated(change)
    settings = store.get_store_settings()
    found = reprice.price_changes(margins.applied(settings, change))
    return MarginPreview(change, margins.current_value(settings, change), found[:MAX_PREVIEW_ROWS], len(found))


def save_margin(identity: Identity, change: MarginChange, *, ip: str | None) -> MarginSaved:
    """Store the rule, reprice the catalogue at once, audit before/after."""
    admin_id = active_staff_id(identity, OPERATORS)
    change = margins.validated(change)
    before = margins.current_value(store.get_store_settings(), change)
    margins.store_change(change, admin_id=admin_id)
    report = reprice.apply_settings()
    with db.session() as s, s.begin():
        record(s, admin_id, "catalog.margin_changed", entity="margin",
               entity_id=f"{change.scope}{':' + change.key if change.key else ''}", ip=ip,
               before={"value": before}, after={"value": change.value},
               repriced=report.repriced, reflagged=report.reflagged)
    return MarginSaved(change, report.repriced, report.reflagged)


def set_offer_choice(identity: Identity, slug: str, choice: str, *, ip: str | None) -> overrides.OfferFlagsView:
    """`choice`: "enable" or "disable" by hand, or "auto" (back to automatic choice); audited."""
    admin_id = active_staff_id(identity, OPERATORS)
    with db.get_engine().connect() as conn:
        row = conn.execute(sa.text("SELECT is_enabled, auto_mode FROM packages WHERE slug = :s"), {"s": slug}).first()
    if row is None or choice not in ("enable", "disable", "auto"):
        raise overrides.OfferNotFound(f"no offer {slug!r} or choice {choice!r}")
    flags = (overrides.return_offer_to_auto(slug) if choice == "auto"
             else overrides.set_offer_enabled(slug, enabled=choice == "enable"))
    with db.session() as s, s.begin():
        record(s, admin_id, "catalog.offer_" + choice, entity="offer", entity_id=slug, ip=ip,
               before={"is_enabled": row[0], "auto_mode": row[1]},
               after={"is_enabled": flags.is_enabled, "auto_mode": flags.auto_mode,
                      "is_best_price": flags.is_best_price})
    return flags


_GROUPS = """
SELECT group_key FROM packages
WHERE NOT is_topup AND vanished_at IS NULL AND (:dest = '' OR destination_code = :dest)
GROUP BY group_key
ORDER BY min(destination_code), min(data_mb) NULLS LAST, min(validity_days), group_key
LIMIT :limit OFFSET :offset
"""
_COUNT = ("SELECT count(DISTINCT group_key) FROM packages"
          " WHERE NOT is_topup AND vanished_at IS NULL AND (:dest = '' OR destination_code = :dest)")
_OFFERS = """
SELECT group_key, name, slug, provider_id, cost_micros, cost_currency, price_cents, currency, is_best_price,
       is_enabled, auto_mode, destination_code
FROM packages WHERE group_key = ANY(:groups) AND vanished_at IS NULL ORDER BY group_key, cost_micros, id
"""


def list_offer_groups(identity: Identity, *, destination: str = "", page: int = 0,
                      page_size: int = 10) -> OfferGroupsPage:
    """One page of groups of equivalent storefront offers (by destination, data, days), every offer in each."""
    active_staff_id(identity, OPERATORS)
    dest = destination.strip()
    dest = dest.upper() if len(dest) == 2 else dest.lower()
    size = max(1, min(int(page_size), 50))
    settings = store.get_store_settings()
    with db.get_engine().connect() as conn:
        args = {"dest": dest, "limit": size, "offset": max(0, int(page)) * size}
        groups = [r[0] for r in conn.execute(sa.text(_GROUPS), args)]
        total = conn.execute(sa.text(_COUNT), {"dest": dest}).scalar_one()
        rows = conn.execute(sa.text(_OFFERS), {"groups": groups}).all()
    order = {g: i for i, g in enumerate(groups)}
    views = sorted((_offer_row(r, settings) for r in rows), key=lambda v: (order[v.group_key], v.cost_cents))
    return OfferGroupsPage(tuple(views), total)


def _offer_row(r: sa.Row, settings: store.StoreSettings) -> OfferRowView:
    offer = reprice.StoredOffer(0, r.provider_id, r.slug, r.name, r.group_key, r.destination_code, r.cost_micros,
                                r.cost_currency, r.price_cents, r.currency, False, False, r.auto_mode,
                                r.is_enabled, r.is_best_price)
    cost = reprice.cost_cents(offer, settings)
    margin = r.price_cents - cost
    percent = (Decimal(margin * 100) / r.price_cents).quantize(Decimal("0.1")) if r.price_cents else Decimal(0)
    return OfferRowView(r.group_key, r.name, r.slug, r.provider_id, provider_name(r.provider_id),
                        cost, r.price_cents, r.currency, margin, percent, r.is_best_price, r.is_enabled,
                        r.auto_mode, r.provider_id in settings.paused_providers)
