"""The "Best value" badge: the plans with the lowest price per GB among those a page shows.

Every plan on sale is already the cheapest of its group (auto mode sells only the best offer), so a
"Best price" badge on each said nothing. This one compares the plans side by side: the lowest price
per GB wins, ties share it. Unlimited plans have no price per GB and never win; prices are compared
within one currency only. A page with fewer than two plans to compare shows no badge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from services.catalog.queries import OfferView

MIN_COMPARED = 2  # one plan alone is not "best" of anything


def best_value_slugs(offers: Iterable[OfferView]) -> frozenset[str]:
    """Slugs of the offers with the lowest price per GB, per currency, among `offers`."""
    per_currency: dict[str, list[OfferView]] = defaultdict(list)
    for offer in offers:
        if offer.price_per_gb_cents is not None:
            per_currency[offer.currency].append(offer)
    best: set[str] = set()
    for compared in per_currency.values():
        if len(compared) < MIN_COMPARED:
            continue
        lowest = min(o.price_per_gb_cents or 0 for o in compared)
        if any(o.price_per_gb_cents != lowest for o in compared):  # all equal: nothing stands out
            best.update(o.slug for o in compared if o.price_per_gb_cents == lowest)
    return frozenset(best)
