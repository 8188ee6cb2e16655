"""A deterministic, realistic wholesale catalogue shared by the three simulators.

`plans()` lists provider-neutral equivalence groups (same destinations, data, validity); `offers()`
gives one provider's priced packages for them. Each simulator renders offers in its own wire units.
Prices differ per provider from a seeded random factor, so every provider wins some groups and
loses others. `scale` multiplies the catalogue with extra variants (other operators, plan ids).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pycountry

DEFAULT_SEED = 20261126

# Region membership by ISO alpha-2 (our own grouping; Turkey counted in Europe).
REGIONS: dict[str, tuple[str, str]] = {
    "europe": (
        "Europe",
        "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV"
        " MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA VA",
    ),
    "middle-east": ("Middle East", "AE BH IL IQ IR JO KW LB OM PS QA SA SY YE"),
    "asia": (
        "Asia",
        "AF AM AZ BD BN BT CN GE HK ID IN JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG TH TJ TL TM"
        " TW UZ VN",
    ),
    "africa": (
        "Africa",
        "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR"
        " MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
    ),
    "americas": (
        "Americas",
        "AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GT GY HN HT JM KN"
        " KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI",
    ),
    "oceania": ("Oceania", "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS"),
}

LOCAL_SHAPES = ((1024, 7), (3072, 15), (3072, 30), (5120, 30), (10240, 30), (20480, 30))
REGIONAL_SHAPES = ((1024, 7), (3072, 30), (5120, 30), (10240, 30), (20480, 30))
GLOBAL_SHAPES = ((1024, 7), (3072, 30), (5120, 30), (10240, 30))
UNLIMITED_DAYS = (7, 15)
_BRANDS = (
    "Vexa",
    "Orbi",
    "Nimbo",
    "Tessa",
    "Kora",
    "Lumen",
    "Astra",
    "Pulse",
    "Zefir",
    "Mira",
    "Helio",
    "Quanta",
)
_KINDS = ("Mobile", "Telecom", "Wireless", "Net", "Connect")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO alpha-2
    name: str
    region: str  # key of REGIONS


@dataclass(frozen=True, slots=True)
class Plan:
    """One equivalence group: what a buyer compares across providers."""

    key: str
    scope: str  # local | regional | global
    area: str  # ISO code for local plans, region key or "world"
    area_name: str
    destinations: tuple[str, ...]
    data_mb: int | None  # None when unlimited
    days: int
    base_cost: Decimal
    operators: tuple[str, ...]

    @property
    def unlimited(self) -> bool:
        return self.data_mb is None

    @property
    def data_label(self) -> str:
        return "Unlimited" if self.data_mb is None else f"{self.data_mb // 1024} GB"


@dataclass(frozen=True, slots=True)
class Offer:
    """One provider package for a plan; `variant` > 0 only when `scale` > 1."""

    provider: str
    plan: Plan
    variant: int
    operator: str
    cost: Decimal  # USD wholesale
    retail: Decimal  # USD recommended retail
    topup: bool = False


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


@functools.cache
def countries() -> tuple[Country, ...]:
    """Every ISO country our region table places, with pycountry names, sorted by code."""
    region_of = {code: key for key, (_, codes) in REGIONS.items() for code in codes.split()}
    found = []
    for c in pycountry.countries:
        if c.alpha_2 in region_of:
            found.append(Country(c.alpha_2, getattr(c, "common_name", c.name), region_of[c.alpha_2]))
    return tuple(sorted(found, key=lambda c: c.code))


@functools.cache
def country_names() -> dict[str, str]:
    """ISO alpha-2 -> display name, for the countries in `countries()`."""
    return {c.code: c.name for c in countries()}


def _operators(seed: int, area: str, count: int) -> tuple[str, ...]:
    rng = _rng(seed, "operators", area)
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(_BRANDS)} {rng.choice(_KINDS)}"
        if name not in names:
            names.append(name)
    return tuple(names)


def _cost(tier: float, data_mb: int | None, days: int) -> Decimal:
    if data_mb is None:
        return _money(tier * 2.2 * days)
    gb = data_mb / 1024
    return _money(tier * (0.9 + 1.15 * gb**0.85) * (1 + days / 90))


@functools.cache
def plans(seed: int = DEFAULT_SEED) -> tuple[Plan, ...]:
    """All equivalence groups: local plans per country, regional plans and global plans."""
    out: list[Plan] = []
    for country in countries():
        rng = _rng(seed, "tier", country.code)
        tier = rng.uniform(0.6, 2.2)
        ops = _operators(seed, country.code, rng.randint(2, 4))
        shapes: list[tuple[int | None, int]] = list(LOCAL_SHAPES)
        if rng.random() < 0.35:
            shapes += [(None, d) for d in UNLIMITED_DAYS]
        for data_mb, days in shapes:
            out.append(_plan("local", country.code, country.name, (country.code,), data_mb, days, tier, ops))
    by_region: dict[str, list[str]] = {}
    for country in countries():
        by_region.setdefault(country.region, []).append(country.code)
    for key, (name, _) in REGIONS.items():
        rng = _rng(seed, "tier", key)
        tier = rng.uniform(1.2, 2.4)
        ops = _operators(seed, key, 2)
        shapes = [*REGIONAL_SHAPES, (None, 7)]
        for data_mb, days in shapes:
            out.append(_plan("regional", key, name, tuple(by_region[key]), data_mb, days, tier, ops))
    rng = _rng(seed, "world")
    world = tuple(sorted(rng.sample([c.code for c in countries()], 130)))
    ops = _operators(seed, "world", 2)
    for data_mb, days in GLOBAL_SHAPES:
        out.append(_plan("global", "world", "Global", world, data_mb, days, 3.0, ops))
    return tuple(out)


def _plan(
    scope: str,
    area: str,
    name: str,
    destinations: tuple[str, ...],
    data_mb: int | None,
    days: int,
    tier: float,
    ops: tuple[str, ...],
) -> Plan:
    size = "UL" if data_mb is None else str(data_mb // 1024)
    return Plan(
        key=f"{area}:{size}:{days}",
        scope=scope,
        area=area,
        area_name=name,
        destinations=destinations,
        data_mb=data_mb,
        days=days,
        base_cost=_cost(tier, data_mb, days),
        operators=ops,
    )


@functools.cache
def offers(provider: str, *, scale: int = 1, seed: int = DEFAULT_SEED,
           topup_packages: bool = True) -> tuple[Offer, ...]:
    """One provider's packages, deterministic for (provider, scale, seed).

    Each provider carries about 80% of local plans and every regional and global plan. With
    `topup_packages`, a top-up package is listed for about half the capped plans (the rechargeable
    ones); without, the provider applies any package as a top-up.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    out: list[Offer] = []
    for plan in plans(seed):
        rng = _rng(seed, provider, plan.key)
        if plan.scope == "local" and rng.random() >= 0.8:
            continue
        factor = rng.uniform(0.82, 1.2)
        first_op = rng.randrange(len(plan.operators))
        rechargeable = topup_packages and not plan.unlimited and rng.random() < 0.5
        for variant in range(scale):
            operator = plan.operators[(first_op + variant) % len(plan.operators)]
            cost = _money(float(plan.base_cost) * factor * (1 + 0.03 * variant))
            retail = _money(float(cost) * 2.1 + 0.49)
            out.append(Offer(provider, plan, variant, operator, cost, retail))
            if rechargeable:
                out.append(Offer(provider, plan, variant, operator, cost, retail, topup=True))
    return tuple(out)
