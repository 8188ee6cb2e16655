"""Usage sync figures (prints, asserts nothing).

    .venv/bin/python -m bench.jobs [--esims 10000]

N eSIMs spread evenly over the three simulators (in this process, over HTTP), one `usage.sync_usage`
run with the providers' documented client-side rate limits enforced, beside the minimum those limits
allow for the calls the provider clients make (computed here), and the process's peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import resource
import time
import uuid

import sqlalchemy as sa

from providers import airalo, esim_access, esim_go
from providers.http import Rate
from providers.registry import build_registry
from providers.sandbox.catalogue import offers
from providers.sandbox.esim_access import SimEsim, SimOrder
from providers.sandbox.esims import Bundle
from providers.sandbox.server import Sandbox, run_simulators
from providers.specs import PROVIDER_IDS
from services.core import db, migrations
from services.core.models import Esim, Order, Package
from services.core.settings import Settings, get_settings
from services.orders.usage import sync_usage
from tests.support.database import fresh_database

PROVIDERS = PROVIDER_IDS
LIMITS: dict[str, Rate] = {"airalo": airalo.RATES["default"], "esim_access": esim_access.RATES["default"],
                           "esim_go": esim_go.RATES["default"]}


def calls_needed(provider: str, n: int) -> int:
    """HTTP calls the client makes for n eSIMs: Airalo and eSIM Go one per ICCID; eSIM Access looks each
    ICCID's esimTranNo up (esim/query) and then asks usage for up to 10 at once."""
    if provider == "esim_access":
        return n + math.ceil(n / esim_access.USAGE_BATCH)
    return n


def minimum_seconds(provider: str, calls: int) -> float:
    """A token bucket of `max_rate` per `period` that starts full: the first `max_rate` calls are free."""
    rate = LIMITS[provider]
    return max(0.0, calls - rate.max_rate) * rate.period / rate.max_rate


def _populate(sandbox: Sandbox, counts: dict[str, int]) -> dict[str, list[str]]:
    """Issue the profiles inside each simulator (as if ordered) and return their ICCIDs."""
    iccids: dict[str, list[str]] = {}
    for provider, n in counts.items():
        sim = sandbox.sim(provider)
        offer = next(o for o in offers(provider) if not o.topup and not o.plan.unlimited)
        now, issued = sim.clock.now(), []
        for i in range(n):
            profile = sim.factory.issue(now)
            profile.bundles.append(Bundle(offer=offer, added_at=now, reference=f"bench-{i}"))
            if provider == "esim_access":
                order_no, tran_no = f"BENCH{i:06d}", f"T{i:012d}"
                sim.orders[order_no] = SimOrder(order_no, f"bench-{i}", now, now, [tran_no])
                sim.esims[tran_no] = SimEsim(tran_no, order_no, f"bench-{i}", profile)
            else:
                sim.profiles[profile.iccid] = profile
            issued.append(profile.iccid)
        iccids[provider] = issued
    return iccids


def _store(iccids: dict[str, list[str]]) -> None:
    """One order per provider and an esims row per ICCID."""
    with db.session() as s, s.begin():
        for provider, rows in iccids.items():
            suffix = uuid.uuid4().hex[:8]
            package = Package(slug=f"bench-{suffix}", provider_id=provider, provider_package_id=f"p-{suffix}",
                              kind="local", destination_code="FR", destination_name="France", name="France 5 GB",
                              data_mb=5120, validity_days=30, cost_micros=1, price_cents=100, group_key=suffix)
            s.add(package)
            s.flush()
            order = Order(package_id=package.id, client_reference=uuid.uuid4().hex, price_cents=100,
                          status="completed")
            s.add(order)
            s.flush()
            s.execute(sa.insert(Esim), [
                {"order_id": order.id, "provider_id": provider, "iccid": iccid, "lpa": "LPA:1$x$y",
                 "smdp_address": "x", "matching_id": "y", "status": "active", "total_mb": 5120}
                for iccid in rows])


async def _sync(sandbox: Sandbox) -> tuple[float, int, int]:
    registry = build_registry(Settings(esim_env="development"), sandbox_urls=sandbox.urls)
    started = time.perf_counter()
    result = await sync_usage(registry=registry, now=dt.datetime.now(dt.UTC))
    seconds = time.perf_counter() - started
    await registry.aclose()
    return seconds, result.processed, result.failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--esims", type=int, default=10_000)
    args = parser.parse_args()
    counts = {p: args.esims // 3 + (1 if i < args.esims % 3 else 0) for i, p in enumerate(PROVIDERS)}
    with fresh_database("esim_bench_jobs") as url:
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        db.reset_engine()
        migrations.upgrade()
        with run_simulators(PROVIDERS) as sandbox:
            _store(_populate(sandbox, counts))
            seconds, processed, failed = asyncio.run(_sync(sandbox))
        db.reset_engine()
    print(f"usage sync of {args.esims} eSIMs ({', '.join(f'{p} {n}' for p, n in counts.items())})")
    floors = {}
    for provider, n in counts.items():
        calls = calls_needed(provider, n)
        rate = LIMITS[provider]
        floors[provider] = minimum_seconds(provider, calls)
        print(f"  {provider:12} {calls:6} calls at {rate.max_rate:g}/{rate.period:g}s -> at least {floors[provider]:7.1f} s")
    floor = max(floors.values())
    print(f"  measured     {seconds:7.1f} s for {processed} eSIMs ({failed} failed)")
    print(f"  minimum      {floor:7.1f} s (the slowest provider's floor; providers run in parallel)")
    print(f"  ratio        {seconds / floor:7.3f}x (goal <= 1.2x)")
    print(f"  peak memory  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.1f} MB "
          f"(whole process: client, simulators and {args.esims} eSIM profiles; goal < 300 MB)")


if __name__ == "__main__":
    main()
