"""Sync against the three simulators over HTTP into PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from providers.base import Package
from services.catalog import overrides, queries
from services.catalog.sync import SyncReport, run_sync_packages
from tests.integration.catalog.conftest import query


def test_first_sync_stores_every_listed_package_and_records_the_run(first_sync: SyncReport) -> None:
    # given the first sync of all three simulators
    # then every listed package is stored, per provider, and the run is in job_runs
    stored = dict(query("SELECT provider_id, count(*) FROM packages GROUP BY provider_id"))
    for result in first_sync.providers:
        assert result.ok and result.fetched > 1000 and result.skipped == 0
        assert stored[result.provider_id] == result.fetched == result.inserted
    job = query("SELECT job, processed, failed, error, finished_at FROM job_runs WHERE id = :id",
                id=first_sync.job_run_id)[0]
    assert (job.job, job.processed, job.failed, job.error) == ("catalog_sync", sum(stored.values()), 0, None)
    assert job.finished_at is not None


def test_catalogue_covers_190_destinations_and_every_provider_wins_groups(first_sync: SyncReport) -> None:
    assert len(queries.destinations_with_offers()) >= 190
    wins = dict(query("SELECT provider_id, count(*) FROM packages WHERE is_best_price GROUP BY provider_id"))
    assert set(wins) == {"airalo", "esim_access", "esim_go"} and min(wins.values()) > 100


def test_each_group_has_one_best_offer_the_cheapest_and_auto_mode_enables_only_it(first_sync: SyncReport) -> None:
    bad = query("""
        SELECT group_key FROM packages WHERE NOT is_topup AND vanished_at IS NULL GROUP BY group_key
        HAVING count(*) FILTER (WHERE is_best_price) <> 1
            OR min(price_cents) <> min(price_cents) FILTER (WHERE is_best_price)
            OR bool_or(is_enabled <> is_best_price)""")
    assert bad == []
    assert first_sync.enabled_offers == first_sync.groups


def test_topups_are_stored_but_never_storefront_offers(first_sync: SyncReport) -> None:
    topups = query("SELECT slug FROM packages WHERE is_topup LIMIT 5")
    assert topups
    assert all(queries.get_offer(t.slug) is None for t in topups)
    assert query("SELECT count(*) FROM packages WHERE is_topup AND is_best_price")[0][0] == 0


def test_resync_is_idempotent(first_sync: SyncReport, sync: Callable[..., SyncReport]) -> None:
    before = query("SELECT slug, price_cents, is_enabled, is_best_price FROM packages ORDER BY slug")
    report = sync()
    assert [(p.inserted, p.updated, p.vanished) for p in report.providers] == [(0, 0, 0)] * 3
    assert query("SELECT slug, price_cents, is_enabled, is_best_price FROM packages ORDER BY slug") == before


def test_vanished_package_is_disabled_not_deleted_and_comes_back(
    first_sync: SyncReport, registry_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the best offer of a group, and a provider that stops listing it
    best = query("SELECT slug, provider_id, provider_package_id, group_key FROM packages"
                 " WHERE is_best_price AND kind = 'local' ORDER BY slug LIMIT 1")[0]
    registry = registry_for()
    client = registry.get(best.provider_id)
    listing = client.list_packages

    async def without_it() -> list[Package]:
        return [p for p in await listing() if p.provider_package_id != best.provider_package_id]

    monkeypatch.setattr(client, "list_packages", without_it)
    # when the catalogue syncs
    report = run_sync_packages(registry)
    # then the row stays, disabled and stamped, and another offer of the group is the best
    gone = query("SELECT is_enabled, is_best_price, vanished_at FROM packages WHERE slug = :s", s=best.slug)[0]
    assert (gone.is_enabled, gone.is_best_price) == (False, False) and gone.vanished_at is not None
    assert next(p for p in report.providers if p.provider_id == best.provider_id).vanished == 1
    assert query("SELECT count(*) FROM packages WHERE group_key = :g AND is_best_price", g=best.group_key)[0][0] == 1
    assert queries.get_offer(best.slug) is None
    # and when the provider lists it again, it is back on sale under the same slug
    monkeypatch.undo()
    run_sync_packages(registry_for())
    back = query("SELECT is_enabled, is_best_price, vanished_at FROM packages WHERE slug = :s", s=best.slug)[0]
    assert tuple(back) == (True, True, None)


def test_manual_override_survives_a_sync(first_sync: SyncReport, sync: Callable[..., SyncReport]) -> None:
    # given an admin disables a group's best offer and enables a dearer one of another group
    best, dearer = query("SELECT slug, group_key FROM packages WHERE is_best_price AND destination_code = 'FR'"
                         " ORDER BY slug LIMIT 1")[0], None
    dearer = query("SELECT slug FROM packages WHERE NOT is_best_price AND NOT is_topup AND destination_code = 'DE'"
                   " ORDER BY slug LIMIT 1")[0].slug
    flags = overrides.set_offer_enabled(best.slug, enabled=False)
    assert (flags.is_enabled, flags.is_best_price, flags.auto_mode) == (False, False, False)
    assert overrides.set_offer_enabled(dearer, enabled=True).is_enabled
    # when the catalogue syncs
    sync()
    # then both choices hold, and the group got another best offer
    rows = dict(query("SELECT slug, is_enabled FROM packages WHERE slug IN (:a, :b)", a=best.slug, b=dearer))
    assert rows == {best.slug: False, dearer: True}
    assert query("SELECT count(*) FROM packages WHERE group_key = :g AND is_best_price", g=best.group_key)[0][0] == 1
    assert dearer in {o.slug for o in queries.list_country_offers("DE")}
    # and handing them back to auto mode restores the automatic choice
    overrides.return_offer_to_auto(best.slug)
    overrides.return_offer_to_auto(dearer)
    assert queries.get_offer(best.slug).offer.is_best_price
    assert queries.get_offer(dearer) is None


def test_one_provider_down_leaves_the_others_and_its_own_packages_in_place(
    first_sync: SyncReport, sync: Callable[..., SyncReport]
) -> None:
    before = query("SELECT slug, is_enabled, is_best_price FROM packages WHERE provider_id = 'esim_go' ORDER BY slug")
    # when eSIM Go cannot be reached during a sync
    report = sync(esim_go="http://127.0.0.1:9")
    # then the run reports it, its packages are untouched (not vanished) and the others synced
    failed = {p.provider_id: p for p in report.providers}
    assert not failed["esim_go"].ok and failed["airalo"].ok and failed["esim_access"].ok
    assert report.errors and report.errors[0].startswith("esim_go:")
    assert query("SELECT slug, is_enabled, is_best_price FROM packages WHERE provider_id = 'esim_go'"
                 " ORDER BY slug") == before
    assert query("SELECT count(*) FROM packages WHERE vanished_at IS NOT NULL")[0][0] == 0
    job = query("SELECT failed, error FROM job_runs WHERE id = :id", id=report.job_run_id)[0]
    assert job.failed == 1 and "esim_go" in job.error


def test_a_simulator_answering_5xx_is_recorded_as_failed(first_sync: SyncReport, sandbox, sync) -> None:
    sandbox.sim("esim_access").faults.fail_next = -1
    try:
        report = sync()
    finally:
        sandbox.sim("esim_access").faults.fail_next = 0
    assert [p.provider_id for p in report.providers if not p.ok] == ["esim_access"]
    assert query("SELECT count(*) FROM packages WHERE vanished_at IS NOT NULL")[0][0] == 0
