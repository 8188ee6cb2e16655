"""Checkout and fulfilment figures (prints, asserts nothing).

    .venv/bin/python -m bench.checkout [--webhooks 40] [--orders 500] [--latency 0.2]

1. Webhook to eSIM: real card payments against localstripe, whose signed webhooks reach our
   route on a local server; p50/p95 from the webhook's arrival (stripe_events.received_at) to the
   eSIM row (esims.created_at).
2. Bulk fulfilment: N paid orders spread over the three providers, fulfilled concurrently with
   `--latency` seconds added to every provider answer (simulators in a child process, as remote
   providers), once with the providers' documented rate limits enforced and once without, beside
   the floor those limits set; with peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import threading
import time
import uuid

import httpx
import psutil
import sqlalchemy as sa
import uvicorn

from bench.catalog_sync import simulators
from providers import airalo, esim_access, esim_go
from providers.http import Rate
from providers.registry import build_registry
from services.catalog.sync import run_sync_packages
from services.core import db, migrations
from services.core.cache import invalidate_catalog_cache
from services.core.models import Package, User
from services.core.settings import Settings, get_settings
from services.orders import ordering as orders
from services.orders import payment_state
from services.payments import stripe_payments as payments
from services.sandbox import localstripe as localstripe_server
from services.sandbox import tooling as sandbox
from tests.support.database import fresh_database
from tests.support.server import free_port

CALLS_PER_ORDER = {"airalo": 1, "esim_access": 2, "esim_go": 3}  # order POST (+ allocation poll / validate, assignments)
LIMITS = {"airalo": airalo.RATES, "esim_access": esim_access.RATES, "esim_go": esim_go.RATES}


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def _use_database(url: str, **env: str) -> None:
    os.environ.update({"DATABASE_URL": url, **env})
    get_settings.cache_clear()
    db.reset_engine()


def _customer() -> int:
    with db.session() as s:
        user = User(email=f"bench-{uuid.uuid4().hex[:10]}@example.com")
        s.add(user)
        s.commit()
        return user.id  # type: ignore[return-value]


def _best_offers() -> dict[str, list[Package]]:
    with db.session() as s:
        rows = s.exec(sa.select(Package).where(Package.is_best_price, Package.is_enabled, Package.kind == "local",
                                               ~Package.is_topup)).scalars().all()
    by_provider: dict[str, list[Package]] = {}
    for p in rows:
        by_provider.setdefault(p.provider_id, []).append(p)
    return by_provider


def webhook_to_esim(count: int) -> None:
    port, stripe_port = free_port(), free_port()
    os.environ["APP_PORT"] = str(port)
    get_settings.cache_clear()
    from esim_app.http.api import build_api  # reads settings: serves the simulators on APP_PORT

    server = uvicorn.Server(uvicorn.Config(build_api(), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    settings = Settings(_env_file=None, app_port=port)
    try:
        os.environ.update(sandbox.stripe_env(settings, port=stripe_port))
        get_settings.cache_clear()
        by_provider = _best_offers()
        user, offers = _customer(), list(itertools.chain(*zip(*(by_provider[p] for p in sorted(by_provider)))))
        order_ids, provider_of = [], {}
        for offer in offers[:count]:
            created = orders.create_order(user, plan_slug=offer.slug)
            start = payments.start_payment(created.id)
            localstripe_server.confirm_card(f"http://127.0.0.1:{stripe_port}", client_secret=start.client_secret,
                                            card_number="4242424242424242", secret_key=os.environ["STRIPE_SECRET_KEY"],
                                            publishable_key=os.environ["STRIPE_PUBLISHABLE_KEY"])
            order_ids.append(created.id)
            provider_of[created.id] = offer.provider_id
        deadline = time.monotonic() + 60
        query = sa.text(
            "SELECT e.order_id, extract(epoch FROM min(e.created_at) - min(se.received_at)) FROM esims e "
            "JOIN stripe_events se ON se.order_id = e.order_id AND se.type = 'payment_intent.succeeded' "
            "WHERE e.order_id = ANY(:ids) GROUP BY e.order_id")
        while time.monotonic() < deadline:
            with db.get_engine().connect() as conn:
                delays = {r[0]: float(r[1]) for r in conn.execute(query, {"ids": order_ids})}
            if len(delays) == len(order_ids):
                break
            time.sleep(0.2)
        print(f"webhook -> eSIM stored: {len(delays)}/{len(order_ids)} orders, "
              f"p50 {_percentile(list(delays.values()), 50) * 1000:.0f} ms, "
              f"p95 {_percentile(list(delays.values()), 95) * 1000:.0f} ms "
              f"(signature check, dedupe, mark paid, provider order, eSIM row, email queued)")
        for provider_id in sorted(set(provider_of.values())):
            mine = [d for order_id, d in delays.items() if provider_of[order_id] == provider_id]
            print(f"  {provider_id}: p50 {_percentile(mine, 50) * 1000:.0f} ms, p95 {_percentile(mine, 95) * 1000:.0f} ms"
                  f" ({len(mine)} orders)")
    finally:
        localstripe_server.stop(stripe_port)
        server.should_exit = True


def _paid_orders(count: int) -> tuple[list[int], dict[str, int]]:
    user, offers = _customer(), _best_offers()
    interleaved = itertools.chain(*zip(*([(pid, p) for p in offers[pid][:50]] for pid in sorted(offers))))
    cycle = itertools.cycle(list(interleaved))
    ids, per_provider = [], dict.fromkeys(offers, 0)
    for provider_id, offer in itertools.islice(cycle, count):
        created = orders.create_order(user, plan_slug=offer.slug)
        payment_state.mark_paid(created.id, payment_intent_id=f"pi_bench_{uuid.uuid4().hex[:12]}",
                         amount_cents=created.price_cents, currency=created.currency)
        ids.append(created.id)
        per_provider[provider_id] += 1
    return ids, per_provider


def _floor(per_provider: dict[str, int], latency: float) -> float:
    """The least time the documented limits allow: each provider's calls at its default rate, in parallel."""
    times = []
    for provider_id, n in per_provider.items():
        rate: Rate = LIMITS[provider_id]["default"]
        times.append(n * CALLS_PER_ORDER[provider_id] * rate.period / rate.max_rate + latency)
    return max(times)


async def _fulfil_all(order_ids: list[int], urls: dict[str, str]) -> list[orders.FulfilmentResult]:
    registry = build_registry(Settings(_env_file=None, provider_timeout_seconds=30), sandbox_urls=urls)
    try:
        return await asyncio.gather(*(orders.fulfil_paid_order(i, registry=registry) for i in order_ids))
    finally:
        await registry.aclose()


def bulk(count: int, latency: float, urls: dict[str, str], *, limited: bool) -> None:
    saved = {pid: dict(rates) for pid, rates in LIMITS.items()}
    if not limited:
        for rates in LIMITS.values():
            for name in rates:
                rates[name] = Rate(100_000, 1)
    try:
        ids, per_provider = _paid_orders(count)
        process = psutil.Process()
        peak, done = process.memory_info().rss, threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, process.memory_info().rss)

        threading.Thread(target=sample, daemon=True).start()
        started = time.perf_counter()
        results = asyncio.run(_fulfil_all(ids, urls))
        elapsed = time.perf_counter() - started
        done.set()
    finally:
        for pid, rates in saved.items():
            LIMITS[pid].clear()
            LIMITS[pid].update(rates)
    completed = sum(r.status == "completed" for r in results)
    label = "documented rate limits" if limited else "rate limits lifted"
    line = (f"{count} paid orders, {latency * 1000:.0f} ms provider latency, {label}: {elapsed:.1f} s, "
            f"{completed} completed, peak RSS {peak / 2**20:.0f} MiB")
    if limited:
        line += f"; floor set by the limits {_floor(per_provider, latency):.1f} s ({per_provider})"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--webhooks", type=int, default=40)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    with fresh_database("esim_bench_checkout") as url:
        _use_database(url, ESIM_ENV="development")
        migrations.upgrade()
        with simulators(1) as urls:
            run_sync_packages(build_registry(Settings(_env_file=None), sandbox_urls=urls))
            invalidate_catalog_cache()
            webhook_to_esim(args.webhooks)
            for provider_url in urls.values():
                httpx.post(f"{provider_url}/_sandbox/faults", json={"latency": args.latency}).raise_for_status()
            bulk(args.orders, args.latency, urls, limited=False)
            bulk(args.orders, args.latency, urls, limited=True)
        db.reset_engine()


if __name__ == "__main__":
    main()
