"""Properties of the simulators' shared catalogue generator."""

from collections import defaultdict

from providers.sandbox import catalogue
from providers.sandbox.catalogue import countries, plans
from providers.specs import PROVIDER_IDS as PROVIDERS


def offers(provider: str, *, scale: int = 1):
    """The offers a provider's simulator lists (eSIM Go applies bundles as top-ups: no top-up packages)."""
    return catalogue.offers(provider, scale=scale, topup_packages=provider != "esim_go")


def _cheapest_by_group(scale: int = 1) -> dict[str, str]:
    best: dict[str, tuple] = {}
    for provider in PROVIDERS:
        for offer in offers(provider, scale=scale):
            if offer.topup:
                continue
            key = offer.plan.key
            if key not in best or offer.cost < best[key][0]:
                best[key] = (offer.cost, provider)
    return {key: provider for key, (_, provider) in best.items()}


def test_at_least_190_destinations_with_iso_codes_and_names():
    found = countries()
    assert len(found) >= 190
    assert all(len(c.code) == 2 and c.code.isupper() and c.name for c in found)
    assert {c.region for c in found} == set(catalogue.REGIONS)


def test_deterministic():
    catalogue.offers.cache_clear()
    first = [(o.provider, o.plan.key, o.variant, o.cost) for o in catalogue.offers("airalo")]
    catalogue.offers.cache_clear()
    assert first == [(o.provider, o.plan.key, o.variant, o.cost) for o in catalogue.offers("airalo")]


def test_every_provider_wins_and_loses_some_groups():
    winners = defaultdict(int)
    for provider in _cheapest_by_group().values():
        winners[provider] += 1
    total = sum(winners.values())
    assert set(winners) == set(PROVIDERS)
    assert all(0.1 * total < wins < 0.7 * total for wins in winners.values())


def test_plan_mix():
    scopes = defaultdict(list)
    for plan in plans():
        scopes[plan.scope].append(plan)
    assert len({p.area for p in scopes["regional"]}) >= 6
    assert all(len(p.destinations) > 100 for p in scopes["global"])
    assert any(p.unlimited for p in scopes["local"]) and any(p.unlimited for p in scopes["regional"])
    assert {1024, 3072, 5120, 10240, 20480} <= {p.data_mb for p in scopes["local"]}
    assert any(o.topup for o in offers("airalo")) and any(o.topup for o in offers("esim_access"))
    assert len({len(p.operators) for p in scopes["local"]}) > 1  # several operators per country


def test_scale_multiplies_the_catalogue():
    one = sum(len(offers(p)) for p in PROVIDERS)
    ten = sum(len(offers(p, scale=10)) for p in PROVIDERS)
    assert 4500 <= one <= 6000 and ten == 10 * one
