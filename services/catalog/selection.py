"""Which offers the storefront shows: the best price per group and auto mode.

Rules, applied per group of equivalent offers:
- vanished offers, and offers of a provider staff switched off, are disabled and never best;
- an offer an admin switched by hand (`auto_mode=False`) keeps its `is_enabled`;
- the best price is the cheapest *eligible* offer by (price, cost, slug), so ties resolve the same
  way every run; eligible means not vanished and either admin-enabled or left to auto mode;
- with auto mode on, offers left to auto mode are enabled only when they are the best; with auto
  mode off they are all enabled;
- top-ups are never best and never compete: they are enabled unless vanished or switched off by
  an admin (a top-up must come from the provider of the eSIM being recharged).
A group whose offers are all disabled by hand or vanished has no best offer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OfferState:
    key: Hashable
    group_key: str
    price_cents: int
    cost_micros: int
    slug: str
    is_topup: bool = False
    vanished: bool = False
    auto_mode: bool = True  # False: an admin set is_enabled by hand
    is_enabled: bool = True
    paused: bool = False  # its provider is switched off at runtime


@dataclass(frozen=True, slots=True)
class Selection:
    is_enabled: bool
    is_best_price: bool


def select_offers(offers: Iterable[OfferState], *, auto_mode: bool) -> dict[Hashable, Selection]:
    """Enabled and best-price flags for every offer, keyed by `OfferState.key`."""
    groups: dict[str, list[OfferState]] = defaultdict(list)
    out: dict[Hashable, Selection] = {}
    for offer in offers:
        if offer.vanished or offer.paused:
            out[offer.key] = Selection(False, False)
        elif offer.is_topup:
            out[offer.key] = Selection(offer.auto_mode or offer.is_enabled, False)
        else:
            groups[offer.group_key].append(offer)
    for members in groups.values():
        eligible = [o for o in members if o.auto_mode or o.is_enabled]
        best = min(eligible, key=lambda o: (o.price_cents, o.cost_micros, o.slug)) if eligible else None
        for o in members:
            enabled = (o is best or not auto_mode) if o.auto_mode else o.is_enabled
            out[o.key] = Selection(enabled, o is best)
    return out
