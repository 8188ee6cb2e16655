"""Enterprise figures (prints, asserts nothing).

    .venv/bin/python -m bench.enterprise [--esims 1000] [--provider airalo]

Sections (each a function; other sections are added beside this one):

- `bench_bulk_order`: one N-eSIM bulk order paid on account and provisioned through the orders
  domain's fulfilment (one `Order` per eSIM) against the provider simulators over HTTP, with the
  providers' documented client-side rate limits enforced. Printed beside the floor those limits
  set for the calls the clients actually made (a token bucket per rate family that starts full),
  and the ratio (goal <= 1.1x).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import time
import uuid
from dataclasses import dataclass

from sqlmodel import col, select

from providers import airalo, esim_access, esim_go
from providers.http import Rate, RateLimits
from providers.registry import build_registry
from providers.sandbox.server import run_simulators
from services.catalog.sync import run_sync_packages
from services.core import db, migrations
from services.core.models import EnterpriseAccount, EnterpriseUser, Package
from services.core.settings import Settings, get_settings
from services.enterprise import bulk, provisioning
from tests.support.database import fresh_database

RATES: dict[str, dict[str, Rate]] = {"airalo": airalo.RATES, "esim_access": esim_access.RATES,
                                     "esim_go": esim_go.RATES}


@dataclass(frozen=True)
class BulkFigures:
    esims: int
    provider: str
    place_seconds: float
    provision_seconds: float
    ready: int
    failed: int
    calls: dict[str, int]  # rate family -> calls made while provisioning
    floor_seconds: float


def floor_seconds(provider: str, calls: dict[str, int]) -> float:
    """The least time the documented limits allow: per family, calls past a full bucket at the rate."""
    rates, floors = RATES[provider], [0.0]
    for family, n in calls.items():
        rate = rates.get(family) or rates["default"]
        floors.append(max(0, n - rate.max_rate) * rate.period / rate.max_rate)
    return max(floors)


def _company_and_plan(provider: str, esims: int) -> tuple[int, int, int]:
    with db.session() as s, s.begin():
        plan = s.exec(select(Package).where(col(Package.provider_id) == provider, col(Package.is_enabled),
                                            col(Package.is_best_price), ~col(Package.is_topup),
                                            col(Package.kind) == "local").order_by(col(Package.price_cents))
                      .limit(1)).one()
        company = EnterpriseAccount(company_name="Bench Travel", contact_name="", contact_email="bench@example.com",
                                    credit_limit_cents=plan.price_cents * esims * 2)
        s.add(company)
        s.flush()
        user = EnterpriseUser(enterprise_account_id=company.id, email="bench@example.com", role="admin")  # type: ignore[arg-type]
        s.add(user)
        s.flush()
        return company.id, user.id, plan.id  # type: ignore[return-value]


def _count_calls(counts: collections.Counter) -> None:
    original = RateLimits.acquire

    async def counting(self: RateLimits, bucket: str | None = None) -> None:
        counts[(bucket or "default").split(":", 1)[0]] += 1
        await original(self, bucket)

    RateLimits.acquire = counting  # type: ignore[method-assign]


async def _provision(urls: dict[str, str], bulk_order_id: int, counts: collections.Counter) -> tuple[float, object]:
    registry = build_registry(Settings(esim_env="development"), sandbox_urls=urls)
    _count_calls(counts)
    started = time.perf_counter()
    state = await provisioning.provision(bulk_order_id, registry=registry)
    seconds = time.perf_counter() - started
    await registry.aclose()
    return seconds, state


def bench_bulk_order(esims: int = 1000, provider: str = "airalo") -> BulkFigures:
    """Place and provision one bulk order of `esims` eSIMs of `provider`'s cheapest local plan."""
    with fresh_database("esim_bench_enterprise") as url:
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        db.reset_engine()
        migrations.upgrade()
        with run_simulators() as sandbox:
            run_sync_packages(build_registry(Settings(esim_env="development"), sandbox_urls=sandbox.urls))
            company_id, user_id, plan_id = _company_and_plan(provider, esims)
            started = time.perf_counter()
            with db.session() as s, s.begin():
                order = bulk.place_bulk_order(s, company_id, user_id, [bulk.BulkLine(plan_id, esims)],
                                              payment="account", key=uuid.uuid4().hex)
                order_id = order.id
            place_seconds = time.perf_counter() - started
            counts: collections.Counter = collections.Counter()
            seconds, state = asyncio.run(_provision(sandbox.urls, order_id, counts))  # type: ignore[arg-type]
        db.reset_engine()
    calls = dict(counts)
    return BulkFigures(esims, provider, place_seconds, seconds, state.ready, state.failed, calls,  # type: ignore[attr-defined]
                       floor_seconds(provider, calls))


def print_bulk_order(f: BulkFigures) -> None:
    print(f"bulk order of {f.esims} eSIMs from {f.provider} (on account, one order per eSIM)")
    print(f"  placing      {f.place_seconds:7.2f} s (credit check, ledger charge, {f.esims} order rows)")
    for family, n in sorted(f.calls.items()):
        rate = RATES[f.provider].get(family) or RATES[f.provider]["default"]
        print(f"  calls        {n:7} {family} at {rate.max_rate:g}/{rate.period:g}s")
    print(f"  provisioned  {f.provision_seconds:7.1f} s: {f.ready} ready, {f.failed} failed")
    print(f"  floor        {f.floor_seconds:7.1f} s (the documented rate limits for those calls)")
    ratio = f.provision_seconds / f.floor_seconds if f.floor_seconds else float("nan")
    print(f"  ratio        {ratio:7.3f}x (goal <= 1.1x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--esims", type=int, default=1000)
    parser.add_argument("--provider", default="airalo", choices=sorted(RATES))
    args = parser.parse_args()
    print_bulk_order(bench_bulk_order(args.esims, args.provider))


if __name__ == "__main__":
    main()
