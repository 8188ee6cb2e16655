"""Provider packages to catalogue rows: ISO coverage, kind, destination, group key, slug, price.

Kind: one country is `local`; a plan whose provider calls it global, that covers at least
`GLOBAL_MIN_COUNTRIES`, or that spreads over three or more regions with no region holding
`REGIONAL_SHARE` of its countries is `global`; anything else is `regional`, filed under the region
holding most of its countries. Slugs read like `jp-10gb-30d-3f9a0c12d4` and carry no provider
identity (the suffix is a one-way digest), so they stay stable across syncs and providers.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from providers.base import Package as ProviderPackage
from services.catalog.pricing import UnknownCurrency, cost_in_store_micros, customer_price_cents, to_micros
from services.core.destinations import REGIONS, get_destination
from services.core.models import PackageKind
from services.core.units import format_data_size
from services.store import settings as store_settings

log = logging.getLogger(__name__)

GLOBAL = "global"
GLOBAL_MIN_COUNTRIES = 80
REGIONAL_SHARE = 0.75
_GLOBAL_MARKERS = ("global", "world", "gl-")

# Region slug (services.destinations.REGIONS) -> ISO alpha-2 members.
REGION_MEMBERS: dict[str, frozenset[str]] = {
    slug: frozenset(codes.split())
    for slug, codes in {
        "europe": "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT"
        " LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA VA",
        "middle-east": "AE BH IL IQ IR JO KW LB OM PS QA SA SY YE",
        "asia": "AF AM AZ BD BN BT CC CN CX GE HK ID IN IO JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG TH"
        " TJ TL TM TW UZ VN",
        "africa": "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML"
        " MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TF TG TN TZ UG YT ZA ZM ZW",
        "americas": "AG AI AR AW BB BL BM BO BQ BR BS BV BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT GY HN"
        " HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI",
        "oceania": "AQ AS AU CK FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS",
    }.items()
}
REGION_NAMES = {r.slug: r.name for r in REGIONS}


@dataclass(frozen=True, slots=True)
class CatalogueRow:
    """One provider offer, normalised and priced, before selection (enabled / best price)."""

    provider_id: str
    provider_package_id: str
    slug: str
    kind: str
    destination_code: str
    destination_name: str
    coverage: tuple[str, ...]
    name: str
    operator: str | None
    data_mb: int | None
    unlimited: bool
    validity_days: int
    is_topup: bool
    cost_micros: int
    cost_currency: str
    price_cents: int
    group_key: str
    raw: dict[str, Any]
    currency: str


class Unusable(ValueError):
    """A provider package the catalogue cannot sell; the message says why."""


@functools.cache
def region_of(code: str) -> str | None:
    return next((slug for slug, members in REGION_MEMBERS.items() if code in members), None)


def iso_coverage(destinations: Iterable[str]) -> tuple[str, ...]:
    """Known ISO alpha-2 codes, upper case, sorted and unique; unknown codes are dropped."""
    return tuple(sorted({c.strip().upper() for c in destinations if len(c.strip()) == 2 and get_destination(c.strip())}))


def classify(coverage: Sequence[str], provider_region: str | None = None) -> tuple[str, str, str]:
    """(kind, destination_code, destination_name) of a sorted ISO coverage."""
    if len(coverage) == 1:
        country = get_destination(coverage[0])
        return PackageKind.LOCAL.value, coverage[0], country.name if country else coverage[0]
    said_global = bool(provider_region) and provider_region.strip().lower().startswith(_GLOBAL_MARKERS)
    counts = Counter(r for r in map(region_of, coverage) if r)
    if counts:
        region, members = max(counts.items(), key=lambda item: (item[1], -list(REGION_MEMBERS).index(item[0])))
        spread = len(counts) >= 3 and members / len(coverage) < REGIONAL_SHARE
        if not said_global and len(coverage) < GLOBAL_MIN_COUNTRIES and not spread:
            return PackageKind.REGIONAL.value, region, REGION_NAMES[region]
    return PackageKind.GLOBAL.value, GLOBAL, "Global"


def offer_name(destination_name: str, data_mb: int | None, unlimited: bool, days: int, *, topup: bool) -> str:
    """Our display name, e.g. "Japan 10 GB · 30 days"; provider names never reach customers."""
    name = f"{destination_name} {format_data_size(data_mb, unlimited=unlimited)} · {days} day{'s' if days != 1 else ''}"
    return f"Top-up {name}" if topup else name


def _digest(*parts: object, size: int) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=size).hexdigest()


def group_key(coverage: Sequence[str], data_mb: int | None, days: int, unlimited: bool, *, topup: bool) -> str:
    """Equivalent offers share this key: same coverage, data, validity and unlimited flag."""
    size = "ul" if unlimited else str(data_mb)
    key = f"{_digest(*coverage, size=8)}:{size}:{days}"
    return f"topup:{key}" if topup else key


def offer_slug(
    destination_code: str, data_mb: int | None, unlimited: bool, days: int, *, provider_id: str,
    provider_package_id: str, digest_size: int = 5,
) -> str:
    size = "unlimited" if unlimited else format_data_size(data_mb).replace(" ", "").replace(".", "-").lower()
    return f"{destination_code.lower()}-{size}-{days}d-{_digest(provider_id, provider_package_id, size=digest_size)}"


@functools.lru_cache(maxsize=8192)
def _place(destinations: tuple[str, ...], provider_region: str | None) -> tuple[tuple[str, ...], str, str, str]:
    coverage = iso_coverage(destinations)
    if not coverage:
        raise Unusable(f"no known country in {destinations!r}")
    return coverage, *classify(coverage, provider_region)


def normalise(package: ProviderPackage, settings: store_settings.StoreSettings) -> CatalogueRow:
    """Normalise and price one provider package; raises `Unusable` when it cannot be sold."""
    coverage, kind, code, destination_name = _place(tuple(package.destinations), package.region)
    if package.validity_days <= 0 or (not package.unlimited and not package.data_mb):
        raise Unusable("no data volume or validity")
    unlimited = package.unlimited or package.data_mb is None
    data_mb = None if unlimited else package.data_mb
    cost_micros = to_micros(package.cost_price)
    try:
        price = customer_price_cents(
            cost_in_store_micros(cost_micros, package.cost_currency, settings),
            provider_id=package.provider_id, destination_code=code, settings=settings,
        )
    except UnknownCurrency as exc:
        raise Unusable(str(exc)) from None
    return CatalogueRow(
        provider_id=package.provider_id,
        provider_package_id=package.provider_package_id,
        slug=offer_slug(code, data_mb, unlimited, package.validity_days, provider_id=package.provider_id,
                        provider_package_id=package.provider_package_id),
        kind=kind,
        destination_code=code,
        destination_name=destination_name,
        coverage=coverage,
        name=offer_name(destination_name, data_mb, unlimited, package.validity_days, topup=package.is_topup),
        operator=package.operator or None,
        data_mb=data_mb,
        unlimited=unlimited,
        validity_days=package.validity_days,
        is_topup=package.is_topup,
        cost_micros=cost_micros,
        cost_currency=package.cost_currency.upper(),
        price_cents=price,
        group_key=group_key(coverage, data_mb, package.validity_days, unlimited, topup=package.is_topup),
        raw=package.raw,
        currency=store_settings.STORE_CURRENCY,
    )
