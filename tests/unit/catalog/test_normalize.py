"""Provider packages to catalogue rows: kind, destination, grouping, slugs and names."""

from decimal import Decimal

import pytest

from providers.base import Package
from services.catalog.normalize import (
    REGION_MEMBERS,
    Unusable,
    classify,
    group_key,
    iso_coverage,
    normalise,
)
from services.core.destinations import REGIONS
from services.store.settings import StoreSettings

EUROPE = tuple(sorted(REGION_MEMBERS["europe"]))


def _package(provider: str, pid: str, destinations: tuple[str, ...], *, data_mb: int | None = 1024, days: int = 7,
             region: str | None = None, topup: bool = False, cost: str = "4.20", currency: str = "USD") -> Package:
    return Package(provider, pid, f"{provider} name", destinations, data_mb, days, data_mb is None, Decimal(cost),
                   currency, is_topup=topup, region=region)


def test_region_table_uses_the_storefront_region_slugs_and_no_country_twice() -> None:
    assert set(REGION_MEMBERS) == {r.slug for r in REGIONS}
    members = [c for codes in REGION_MEMBERS.values() for c in codes]
    assert len(members) == len(set(members))


@pytest.mark.parametrize(
    ("coverage", "region", "expected"),
    [
        (("JP",), None, ("local", "JP", "Japan")),
        (("DE", "FR", "IT"), None, ("regional", "europe", "Europe")),
        (EUROPE, None, ("regional", "europe", "Europe")),
        (("CA", "US"), None, ("regional", "americas", "Americas")),
        (("DE", "FR"), "Global", ("global", "global", "Global")),
        (("DE", "FR"), "GL-130", ("global", "global", "Global")),
        (("AU", "BR", "JP", "ZA"), None, ("global", "global", "Global")),
        (tuple(sorted(REGION_MEMBERS["europe"] | REGION_MEMBERS["asia"])), None, ("global", "global", "Global")),
    ],
)
def test_kind_detection(coverage: tuple[str, ...], region: str | None, expected: tuple[str, str, str]) -> None:
    assert classify(coverage, region) == expected


def test_a_region_mostly_in_one_region_stays_regional() -> None:
    assert classify(tuple(sorted({*EUROPE, "US"})), "Europe")[:2] == ("regional", "europe")


def test_coverage_is_iso_sorted_unique_and_drops_unknown_codes() -> None:
    assert iso_coverage(["fr", "DE", "XX", "DE", "ZZ", ""]) == ("DE", "FR")


def test_equivalent_offers_of_different_providers_share_a_group() -> None:
    settings = StoreSettings()
    a = normalise(_package("airalo", "a-1", ("FR", "DE")), settings)
    b = normalise(_package("esim_go", "esim_1GB_7D", ("DE", "FR")), settings)
    c = normalise(_package("esim_go", "esim_1GB_15D", ("DE", "FR"), days=15), settings)
    t = normalise(_package("airalo", "a-1-topup", ("FR", "DE"), topup=True), settings)
    assert a.group_key == b.group_key
    assert len({a.group_key, c.group_key, t.group_key}) == 3
    assert group_key(("JP",), None, 7, True, topup=False) != group_key(("JP",), 1024, 7, False, topup=False)


def test_slug_and_name_are_readable_stable_and_free_of_provider_identity() -> None:
    row = normalise(_package("esim_access", "P02E0DFB204", ("JP",), data_mb=10240, days=30), StoreSettings())
    again = normalise(_package("esim_access", "P02E0DFB204", ("JP",), data_mb=10240, days=30), StoreSettings())
    assert row.slug == again.slug and row.slug.startswith("jp-10gb-30d-")
    assert "esim" not in row.slug and "p02e0dfb204" not in row.slug
    assert row.name == "Japan 10 GB · 30 days"
    assert (row.kind, row.destination_code, row.coverage) == ("local", "JP", ("JP",))


def test_unlimited_and_priced_row() -> None:
    row = normalise(_package("airalo", "ul", ("JP",), data_mb=None, cost="10.00"),
                    StoreSettings(default_margin_percent=Decimal(30), rounding="0.99"))
    assert (row.unlimited, row.data_mb, row.name) == (True, None, "Japan Unlimited · 7 days")
    assert (row.cost_micros, row.price_cents, row.currency) == (10_000_000, 1399, "USD")


def test_unsellable_packages_are_refused_with_a_reason() -> None:
    with pytest.raises(Unusable, match="no known country"):
        normalise(_package("airalo", "x", ("XX",)), StoreSettings())
    with pytest.raises(Unusable, match="rate"):
        normalise(_package("airalo", "y", ("JP",), currency="CHF"), StoreSettings())
