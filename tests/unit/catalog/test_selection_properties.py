"""Property: over any multi-provider catalogue, each group has exactly one best offer, the cheapest enabled."""

from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from providers.base import Package
from services.catalog.normalize import normalise
from services.catalog.selection import OfferState, select_offers
from services.store.settings import StoreSettings

PROVIDERS = ("airalo", "esim_access", "esim_go")
SHAPES = [(("JP",), 1024, 7), (("JP",), 3072, 30), (("FR",), None, 7), (("DE", "FR"), 5120, 30)]
PRICING = StoreSettings(default_margin_percent=Decimal(25), provider_margin_percent={"esim_go": Decimal(40)},
                        min_margin_cents=50, rounding="0.99")

offer = st.tuples(
    st.sampled_from(PROVIDERS),
    st.integers(0, len(SHAPES) - 1),
    st.decimals(min_value=Decimal("0.50"), max_value=Decimal("40.00"), places=2),
    st.booleans(),  # left to auto mode (else an admin override)
    st.booleans(),  # currently enabled
    st.booleans(),  # vanished
)


@settings(max_examples=300, deadline=None)
@given(st.lists(offer, min_size=1, max_size=40), st.booleans())
def test_every_group_has_exactly_one_best_offer_and_it_is_the_cheapest_enabled(offers, auto_mode) -> None:
    states = []
    for n, (provider, shape, cost, auto, enabled, vanished) in enumerate(offers):
        coverage, data_mb, days = SHAPES[shape]
        row = normalise(Package(provider, f"p{n}", "n", coverage, data_mb, days, data_mb is None, cost, "USD"),
                        PRICING)
        states.append(OfferState(n, row.group_key, row.price_cents, row.cost_micros, row.slug,
                                 vanished=vanished, auto_mode=auto, is_enabled=enabled))
    chosen = select_offers(states, auto_mode=auto_mode)
    groups = defaultdict(list)
    for state in states:
        groups[state.group_key].append(state)
    for members in groups.values():
        enabled = [s for s in members if chosen[s.key].is_enabled]
        best = [s for s in members if chosen[s.key].is_best_price]
        assert len(best) == (1 if enabled else 0)
        if best:
            assert chosen[best[0].key].is_enabled
            assert best[0].price_cents == min(s.price_cents for s in enabled)
        for s in members:
            if s.vanished:
                assert not chosen[s.key].is_enabled
            elif not s.auto_mode:
                assert chosen[s.key].is_enabled == s.is_enabled
            elif auto_mode:
                assert chosen[s.key].is_enabled == chosen[s.key].is_best_price
