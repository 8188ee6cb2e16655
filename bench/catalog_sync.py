"""Catalogue sync and storefront read figures (prints, asserts nothing).

    .venv/bin/python -m bench.catalog_sync [--scales 1 10] [--queries 400]

For each scale: the simulators run in a child process (as remote providers would), the sync runs
into a fresh migrated database, and a lower bound is measured in the same run: one PostgreSQL
`COPY` of the same normalised rows into an empty table shaped like `packages` (same indexes).
At the largest scale it also times destination search and country pages, cold (cache cleared
before each call, so PostgreSQL answers) and warm (served from the in-process cache).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psutil

from providers.registry import build_registry
from services.catalog import queries as catalog_queries
from services.catalog.normalize import Unusable, normalise
from services.catalog.sync import STAGE_COLUMNS, row_values, run_sync_packages
from services.core import db, migrations
from services.core.cache import invalidate_catalog_cache
from services.core.destinations import search_destinations
from services.core.settings import Settings, get_settings
from services.store.settings import get_store_settings
from tests.support.database import fresh_database

SEARCHES = ("jap", "fra", "united", "germ", "th", "spain", "ital", "kor", "mexi", "braz", "usa", "uk", "japn", "egy")


@contextmanager
def simulators(scale: int) -> Iterator[dict[str, str]]:
    """`python -m providers.sandbox --scale N` in a child process; yields its base URLs."""
    child = subprocess.Popen([sys.executable, "-m", "providers.sandbox", "--scale", str(scale)],
                             stderr=subprocess.PIPE, text=True)
    urls: dict[str, str] = {}
    try:
        assert child.stderr is not None
        while len(urls) < 3:
            line = child.stderr.readline()
            if not line:
                raise RuntimeError("simulators did not start")
            if match := re.match(r"(\w+) simulator on (http://\S+)", line.strip()):
                urls[match[1]] = match[2]
        yield urls
    finally:
        child.terminate()
        child.wait(timeout=10)


@contextmanager
def peak_rss() -> Iterator[Callable[[], int]]:
    """Sample this process's RSS every 10 ms; yields a function returning the peak growth in bytes."""
    proc, start = psutil.Process(), psutil.Process().memory_info().rss
    peak, stop = [start], threading.Event()

    def sample() -> None:
        while not stop.wait(0.01):
            peak[0] = max(peak[0], proc.memory_info().rss)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield lambda: peak[0] - start
    finally:
        stop.set()
        thread.join()


def use_database(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    db.reset_engine()


def copy_lower_bound(urls: dict[str, str]) -> tuple[int, float]:
    """Rows and seconds for one COPY of the normalised catalogue into an empty `packages` twin."""
    registry = build_registry(Settings(esim_env="development"), sandbox_urls=urls)

    async def fetch() -> list:
        try:
            return await asyncio.gather(*(p.list_packages() for p in registry))
        finally:
            await registry.aclose()

    settings, rows, seen, now = get_store_settings(), [], set(), dt.datetime.now(dt.UTC)
    for listing in asyncio.run(fetch()):
        for package in listing:
            try:
                row = normalise(package, settings)
            except Unusable:
                continue
            if row.slug not in seen:
                seen.add(row.slug)
                values = row_values(row, slug=row.slug, supports_topup=True, is_best_price=False, is_enabled=True)
                rows.append((*values, True, now))
    with db.get_engine().begin() as conn:
        cur = conn.connection.driver_connection.cursor()
        cur.execute("DROP TABLE IF EXISTS packages_copy")
        cur.execute("CREATE TABLE packages_copy (LIKE packages INCLUDING ALL)")
    with db.get_engine().begin() as conn:
        cur = conn.connection.driver_connection.cursor()
        clock = time.perf_counter()
        with cur.copy(f"COPY packages_copy ({', '.join(STAGE_COLUMNS)}, auto_mode, last_synced_at) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
    seconds = time.perf_counter() - clock
    with db.get_engine().begin() as conn:
        conn.exec_driver_sql("DROP TABLE packages_copy")
    return len(rows), seconds


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):6.2f} ms  p95 {p95:6.2f} ms  (n={len(ms)})"


def timed(call: Callable[[], object], n: int, *, cold: bool) -> list[float]:
    samples = []
    for _ in range(n):
        if cold:
            invalidate_catalog_cache()
        clock = time.perf_counter()
        call()
        samples.append(time.perf_counter() - clock)
    return samples


def latency(queries: int) -> None:
    rng = random.Random(7)
    codes = [d.code for d in catalog_queries.destinations_with_offers()]

    def search() -> None:
        search_destinations(rng.choice(SEARCHES))
        catalog_queries.destinations_with_offers()

    def country() -> None:
        catalog_queries.list_country_offers(rng.choice(codes), sort=rng.choice(("price", "data", "days")))

    def country_multi() -> None:
        catalog_queries.list_country_offers(rng.choice(codes), include_multi_country=True)

    for label, call in (("destination search + destinations_with_offers", search),
                        ("country page list_country_offers", country),
                        ("country page incl. regional/global", country_multi)):
        print(f"  {label}")
        print(f"    cold (cache cleared each call): {percentiles(timed(call, queries, cold=True))}")
        timed(call, len(codes) * 3, cold=False)  # fill the cache
        print(f"    warm (in-process cache):        {percentiles(timed(call, queries, cold=False))}")


def bench(scale: int, *, queries: int, with_latency: bool) -> None:
    with fresh_database("esim_bench") as url, simulators(scale) as urls:
        use_database(url)
        migrations.upgrade()
        registry = build_registry(Settings(esim_env="development"), sandbox_urls=urls)
        with peak_rss() as peak:
            clock = time.perf_counter()
            report = run_sync_packages(registry)
            wall = time.perf_counter() - clock
        fetch = max(p.fetch_seconds for p in report.providers)
        stored = report.processed
        print(f"scale {scale}x: {stored} provider packages, {report.groups} groups, "
              f"{report.enabled_offers} offers on sale, errors: {list(report.errors) or 'none'}")
        print(f"  first sync     {wall:6.2f} s  {stored / wall:8.0f} packages/s  peak RSS +{peak() / 2**20:.0f} MiB")
        print(f"    fetch (slowest provider, concurrent) {fetch:5.2f} s: "
              + ", ".join(f"{p.provider_id} {p.fetch_seconds:.2f} s" for p in report.providers))
        print(f"    normalise + select + merge           {wall - fetch:5.2f} s")
        registry = build_registry(Settings(esim_env="development"), sandbox_urls=urls)
        clock = time.perf_counter()
        again = run_sync_packages(registry)
        resync = time.perf_counter() - clock
        changed = sum(p.inserted + p.updated for p in again.providers)
        print(f"  re-sync        {resync:6.2f} s  ({changed} rows changed)")
        rows, copy_seconds = copy_lower_bound(urls)
        print(f"  COPY bound     {copy_seconds:6.2f} s  for {rows} rows into an empty indexed twin of packages")
        print(f"    first sync / COPY = {wall / copy_seconds:.1f}x;  "
              f"(sync - fetch) / COPY = {(wall - fetch) / copy_seconds:.1f}x")
        if with_latency:
            print(f"  read latency at {scale}x (server side, this process)")
            latency(queries)
        db.reset_engine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="    log: %(message)s", stream=sys.stdout)
    logging.getLogger("services.catalog.sync").setLevel(logging.INFO)  # phase timings of each sync
    print(f"{psutil.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for scale in args.scales:
        bench(scale, queries=args.queries, with_latency=scale == max(args.scales))


if __name__ == "__main__":
    main()
