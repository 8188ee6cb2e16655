"""Catalogue sync: fetch every provider at once, normalise, price, select, and merge in bulk.

One run: fetch all enabled providers concurrently; normalise and price each package
(`catalog_normalize`); decide enabled and best-price flags over the whole catalogue
(`catalog_selection`); COPY the result into a temporary table and merge it with one
`INSERT ... ON CONFLICT` plus one `UPDATE` for rows that were not fetched. A provider that fails
keeps its stored packages untouched (they are not marked vanished). Packages missing from a
provider that answered are disabled and get `vanished_at`; nothing is deleted. Each run is a
`job_runs` row (job "catalog_sync"; `processed` = packages stored, `failed` = failed providers
plus unusable packages) and a `SyncReport`.

Unchanged rows are not rewritten, so `last_synced_at` is when a sync last changed the row.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from psycopg.types.json import Jsonb

from providers.base import Package as ProviderPackage
from providers.base import Provider, ProviderError
from services.catalog.normalize import CatalogueRow, Unusable, normalise, offer_slug
from services.catalog.selection import OfferState, Selection, select_offers
from services.core import db
from services.core.cache import invalidate_catalog_cache
from services.jobs.runs import JobResult, finish_run, start_run
from services.store import settings as store_settings

log = logging.getLogger(__name__)

JOB_NAME = "catalog_sync"
_ADVISORY_LOCK = 0x63_61_74_61  # "cata": one sync at a time across processes

Key = tuple[str, str]  # (provider_id, provider_package_id)
Progress = Callable[[str], None]

STAGE_COLUMNS = (
    "provider_id", "provider_package_id", "slug", "kind", "destination_code", "destination_name", "coverage",
    "name", "operator", "data_mb", "unlimited", "validity_days", "is_topup", "supports_topup", "cost_micros",
    "cost_currency", "price_cents", "currency", "group_key", "is_best_price", "is_enabled", "raw",
)
_DATA_COLUMNS = STAGE_COLUMNS[3:19] + ("raw",)  # what a provider can change about a package
_STAGE_DDL = """
CREATE TEMP TABLE catalog_stage (
    provider_id varchar(32), provider_package_id varchar(200), slug varchar(120), kind varchar(16),
    destination_code varchar(16), destination_name varchar(120), coverage varchar(2)[], name varchar(200),
    operator varchar(120), data_mb integer, unlimited boolean, validity_days integer, is_topup boolean,
    supports_topup boolean, cost_micros bigint, cost_currency varchar(3), price_cents bigint, currency varchar(3),
    group_key varchar(200), is_best_price boolean, is_enabled boolean, raw jsonb,
    fetched boolean NOT NULL, vanished boolean NOT NULL
) ON COMMIT DROP
"""
_MERGE_FETCHED = f"""
WITH merged AS (
    INSERT INTO packages AS p ({", ".join(STAGE_COLUMNS)}, auto_mode, vanished_at, last_synced_at)
    SELECT {", ".join(STAGE_COLUMNS)}, true, NULL, %(now)s FROM catalog_stage WHERE fetched
    ON CONFLICT (provider_id, provider_package_id) DO UPDATE SET
        {", ".join(f"{c} = excluded.{c}" for c in _DATA_COLUMNS)},
        is_best_price = excluded.is_best_price,
        is_enabled = CASE WHEN p.auto_mode THEN excluded.is_enabled ELSE p.is_enabled END,
        vanished_at = NULL,
        last_synced_at = excluded.last_synced_at
    WHERE p.vanished_at IS NOT NULL
        OR ({", ".join(f"p.{c}" for c in (*_DATA_COLUMNS, "is_best_price", "is_enabled"))})
           IS DISTINCT FROM
           ({", ".join(f"excluded.{c}" for c in (*_DATA_COLUMNS, "is_best_price", "is_enabled"))})
    RETURNING p.provider_id, (xmax = 0) AS inserted
)
SELECT provider_id, count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
FROM merged GROUP BY provider_id
"""
_UPDATE_UNFETCHED = """
UPDATE packages AS p SET
    is_enabled = CASE WHEN s.vanished THEN false WHEN p.auto_mode THEN s.is_enabled ELSE p.is_enabled END,
    is_best_price = s.is_best_price,
    vanished_at = CASE WHEN s.vanished THEN coalesce(p.vanished_at, %(now)s) ELSE p.vanished_at END
FROM catalog_stage AS s
WHERE NOT s.fetched AND p.provider_id = s.provider_id AND p.provider_package_id = s.provider_package_id
"""


@dataclass(frozen=True, slots=True)
class ProviderSyncResult:
    provider_id: str
    fetched: int = 0  # packages the provider listed
    inserted: int = 0
    updated: int = 0  # stored rows that changed
    vanished: int = 0  # newly missing from the provider's catalogue
    skipped: int = 0  # listed but unusable (no known country, unpriceable currency, ...)
    fetch_seconds: float = 0.0
    error: str | None = None  # the fetch failed; stored packages were left as they were

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class SyncReport:
    job_run_id: int
    started_at: dt.datetime
    duration_seconds: float
    providers: tuple[ProviderSyncResult, ...]
    groups: int = 0  # groups of equivalent storefront offers
    enabled_offers: int = 0  # storefront offers customers can buy

    @property
    def processed(self) -> int:
        return sum(p.fetched - p.skipped for p in self.providers)

    @property
    def failed(self) -> int:
        return sum(p.skipped + (0 if p.ok else 1) for p in self.providers)

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(f"{p.provider_id}: {p.error}" for p in self.providers if p.error)


@dataclass
class _Fetched:
    provider: Provider
    packages: list[ProviderPackage] | None = None
    error: str | None = None
    seconds: float = 0.0
    rows: list[CatalogueRow] = field(default_factory=list)
    skipped: int = 0


async def sync_packages(registry: Iterable[Provider], *, progress: Progress | None = None) -> SyncReport:
    """Sync every provider in `registry` (a `ProviderRegistry` or any iterable of providers).

    `progress` hears a short line as each provider's fetch ends and when storing starts."""
    started_at, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    job_id = await asyncio.to_thread(start_run, JOB_NAME)
    providers = list(registry)
    try:
        fetched = await asyncio.gather(*(_fetch(p, progress, len(providers)) for p in providers))
        if progress is not None:
            progress(f"Storing {sum(len(f.packages or ()) for f in fetched)} packages")
        results = await asyncio.to_thread(_store, fetched, started_at)
    except Exception as exc:
        await asyncio.to_thread(finish_run, job_id, JobResult(), error=f"sync aborted: {type(exc).__name__}: {exc}")
        raise
    invalidate_catalog_cache()
    report = SyncReport(
        job_run_id=job_id, started_at=started_at, duration_seconds=time.perf_counter() - clock, **results
    )
    await asyncio.to_thread(finish_run, job_id, JobResult(report.processed, report.failed),
                            error="; ".join(report.errors) or None)
    log.info("catalogue sync: %d packages, %d failed, %d enabled offers in %.1f s",
             report.processed, report.failed, report.enabled_offers, report.duration_seconds)
    return report


def run_sync_packages(registry: Iterable[Provider]) -> SyncReport:
    """`sync_packages` for callers without an event loop (CLI, scheduler jobs)."""
    return asyncio.run(sync_packages(registry))


async def _fetch(provider: Provider, progress: Progress | None = None, total: int = 1) -> _Fetched:
    fetched = await _fetch_one(provider)
    if progress is not None:
        outcome = f"{len(fetched.packages)} packages" if fetched.packages is not None else "failed"
        progress(f"Fetched {provider.id}: {outcome} ({total} providers)")
    return fetched


async def _fetch_one(provider: Provider) -> _Fetched:
    clock = time.perf_counter()
    try:
        packages = await provider.list_packages()
    except ProviderError as exc:
        log.warning("catalogue fetch from %s failed: %s", provider.id, exc)
        return _Fetched(provider, error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - clock)
    except Exception as exc:  # any other failure of one provider must not stop the others
        log.exception("catalogue fetch from %s failed unexpectedly", provider.id)
        return _Fetched(provider, error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - clock)
    return _Fetched(provider, packages=packages, seconds=time.perf_counter() - clock)


def _normalise_all(fetched: Sequence[_Fetched], settings: store_settings.StoreSettings) -> None:
    """Fill `rows` and `skipped` of each successful fetch (last listing wins on a repeated id)."""
    for item in fetched:
        if item.packages is None:
            continue
        rows: dict[Key, CatalogueRow] = {}
        for package in item.packages:
            try:
                row = normalise(package, settings)
            except Unusable as exc:
                item.skipped += 1
                log.debug("skipping %s package %s: %s", package.provider_id, package.provider_package_id, exc)
                continue
            rows[(row.provider_id, row.provider_package_id)] = row
        item.rows = list(rows.values())


def _supports_topup(item: _Fetched) -> dict[tuple[str, ...], bool] | None:
    """Coverages the provider can recharge; None means any package (no separate top-up listing)."""
    if not item.provider.capabilities.topup:
        return {}
    coverages = {row.coverage: True for row in item.rows if row.is_topup}
    return coverages or None


def _store(fetched: Sequence[_Fetched], now: dt.datetime) -> dict[str, Any]:
    clock = time.perf_counter()
    settings = store_settings.get_store_settings()
    _normalise_all(fetched, settings)
    normalised = time.perf_counter()
    succeeded = {f.provider.id for f in fetched if f.error is None}
    with db.get_engine().begin() as conn:
        cur = conn.connection.driver_connection.cursor()  # psycopg, for COPY
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK,))
        existing = _load_existing(cur)
        states, slugs = _states(fetched, existing, succeeded, settings.paused_providers)
        selection = select_offers(states.values(), auto_mode=settings.auto_mode)
        selected = time.perf_counter()
        cur.execute(_STAGE_DDL)
        vanished = _stage(cur, fetched, existing, selection, slugs, succeeded)
        staged = time.perf_counter()
        cur.execute(_MERGE_FETCHED, {"now": now})
        written = {provider: (inserted, updated) for provider, inserted, updated in cur.fetchall()}
        cur.execute(_UPDATE_UNFETCHED, {"now": now})
    log.info("catalogue store: normalise %.2f s, load and select %.2f s, stage %.2f s, merge and commit %.2f s",
             normalised - clock, selected - normalised, staged - selected, time.perf_counter() - staged)
    storefront = [k for k, s in states.items() if not s.is_topup and not s.vanished]
    return {
        "providers": tuple(
            ProviderSyncResult(
                provider_id=f.provider.id,
                fetched=len(f.packages or ()),
                inserted=written.get(f.provider.id, (0, 0))[0],
                updated=written.get(f.provider.id, (0, 0))[1],
                vanished=vanished.get(f.provider.id, 0),
                skipped=f.skipped,
                fetch_seconds=round(f.seconds, 3),
                error=f.error,
            )
            for f in fetched
        ),
        "groups": len({states[k].group_key for k in storefront}),
        "enabled_offers": sum(selection[k].is_enabled for k in storefront),
    }


@dataclass(frozen=True, slots=True)
class _Stored:
    slug: str
    group_key: str
    price_cents: int
    cost_micros: int
    is_topup: bool
    auto_mode: bool
    is_enabled: bool
    is_best_price: bool
    vanished: bool


def _load_existing(cur: Any) -> dict[Key, _Stored]:
    cur.execute(
        "SELECT provider_id, provider_package_id, slug, group_key, price_cents, cost_micros, is_topup,"
        " auto_mode, is_enabled, is_best_price, vanished_at IS NOT NULL FROM packages"
    )
    return {(r[0], r[1]): _Stored(*r[2:]) for r in cur.fetchall()}


def _states(
    fetched: Sequence[_Fetched], existing: dict[Key, _Stored], succeeded: set[str], paused: frozenset[str]
) -> tuple[dict[Key, OfferState], dict[Key, str]]:
    """Selection inputs for every package, fetched or stored, and the slug of each fetched one."""
    states: dict[Key, OfferState] = {}
    slugs: dict[Key, str] = {}
    taken = {stored.slug for stored in existing.values()}
    for item in fetched:
        for row in item.rows:
            key = (row.provider_id, row.provider_package_id)
            old = existing.get(key)
            slug = old.slug if old else _free_slug(row, taken)
            slugs[key] = slug
            states[key] = OfferState(
                key, row.group_key, row.price_cents, row.cost_micros, slug, row.is_topup,
                auto_mode=old.auto_mode if old else True, is_enabled=old.is_enabled if old else True,
                paused=row.provider_id in paused,
            )
    for key, old in existing.items():
        if key in states:
            continue
        states[key] = OfferState(
            key, old.group_key, old.price_cents, old.cost_micros, old.slug, old.is_topup,
            vanished=old.vanished or key[0] in succeeded, auto_mode=old.auto_mode, is_enabled=old.is_enabled,
            paused=key[0] in paused,
        )
    return states, slugs


def _free_slug(row: CatalogueRow, taken: set[str]) -> str:
    """The row's slug, lengthened on the (rare) clash with another offer's slug."""
    slug, size = row.slug, 5
    while slug in taken:
        size += 2
        slug = offer_slug(row.destination_code, row.data_mb, row.unlimited, row.validity_days,
                          provider_id=row.provider_id, provider_package_id=row.provider_package_id, digest_size=size)
    taken.add(slug)
    return slug


def _stage(
    cur: Any,
    fetched: Sequence[_Fetched],
    existing: dict[Key, _Stored],
    selection: dict[Any, Selection],
    slugs: dict[Key, str],
    succeeded: set[str],
) -> dict[str, int]:
    """COPY fetched rows and changed stored rows into `catalog_stage`; returns newly vanished per provider."""
    vanished: dict[str, int] = {}
    fetched_keys: set[Key] = set()
    with cur.copy(f"COPY catalog_stage ({', '.join(STAGE_COLUMNS)}, fetched, vanished) FROM STDIN") as copy:
        for item in fetched:
            topup = _supports_topup(item)
            for row in item.rows:
                key = (row.provider_id, row.provider_package_id)
                fetched_keys.add(key)
                chosen = selection[key]
                supports = row.is_topup or topup is None or row.coverage in topup
                copy.write_row((*row_values(row, slug=slugs[key], supports_topup=supports,
                                            is_best_price=chosen.is_best_price, is_enabled=chosen.is_enabled),
                                True, False))
        for key, old in existing.items():
            if key in fetched_keys:
                continue
            chosen = selection[key]
            gone = key[0] in succeeded and not old.vanished
            if gone:
                vanished[key[0]] = vanished.get(key[0], 0) + 1
            if gone or (chosen.is_enabled, chosen.is_best_price) != (old.is_enabled, old.is_best_price):
                copy.write_row((key[0], key[1], *([None] * 17), chosen.is_best_price, chosen.is_enabled, None,
                                False, gone or old.vanished))
    return vanished


def row_values(
    row: CatalogueRow, *, slug: str, supports_topup: bool, is_best_price: bool, is_enabled: bool
) -> tuple[Any, ...]:
    """A row in `STAGE_COLUMNS` order, ready for COPY."""
    return (
        row.provider_id, row.provider_package_id, slug, row.kind, row.destination_code, row.destination_name,
        list(row.coverage), row.name, row.operator, row.data_mb, row.unlimited, row.validity_days, row.is_topup,
        supports_topup, row.cost_micros, row.cost_currency, row.price_cents, row.currency, row.group_key,
        is_best_price, is_enabled, Jsonb(row.raw),
    )
