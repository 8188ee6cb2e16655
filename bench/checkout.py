"""Checkout and fulfilment figures (prints, asserts nothing).

    .venv/bin/python -m bench.checkout [--quick] [--webhooks 40] [--orders 500] [--workers 1 2]
                                       [--limited-orders 500] [--latency 0.2]

1. Webhook to eSIM: real card payments against localstripe, whose signed webhooks reach our
   route on a local server; p50/p95 from the webhook's arrival (stripe_events.received_at) to the
   eSIM row (esims.created_at).
2. Database round trips per order, counted by a proxy on the PostgreSQL wire protocol.
3. Bulk fulfilment: N orders over the three providers, paid at once (one UPDATE), fulfilled by 1 and
   then 2 job worker processes (`bench.fulfil_worker`: the fulfilment worker of `esim jobs`) with
   `--latency` seconds added to every provider answer (simulators in a child process, as remote
   providers) and rate limits lifted; then by one worker under the providers' documented limits,
   beside the floor those limits set for the requests made (counted by the simulators); with peak
   memory per worker and the CPU per order of the job workers, the simulators and PostgreSQL (the
   server processes of the bench's database), which share the machine.
`--quick` skips the webhooks and runs 100 orders (40 under the limits).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid

import httpx
import psutil
import sqlalchemy as sa
import uvicorn

from bench.catalog_sync import simulators
from bench.roundtrips import RoundTripProxy
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
from services.orders.fulfilment_worker import FulfilmentWorker
from services.payments import stripe_payments as payments
from services.sandbox import localstripe as localstripe_server
from services.sandbox import tooling as sandbox
from tests.support.database import fresh_database
from tests.support.server import free_port

# Counted with bench.roundtrips at a08b875, the commit before the claims of services.orders.claims:
# claim, reloads, settings, attempt, provider-order and call records, each in its own transaction.
ROUND_TRIPS_BEFORE = "46.8 one order at a time (30 orders, the same count at commit a08b875)"
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


def _orders(count: int, *, paid: bool = False) -> tuple[list[int], dict[str, int]]:
    """`count` orders over the three providers' best offers, pending (or paid)."""
    user, offers = _customer(), _best_offers()
    interleaved = itertools.chain(*zip(*([(pid, p) for p in offers[pid][:50]] for pid in sorted(offers))))
    cycle = itertools.cycle(list(interleaved))
    ids, per_provider = [], dict.fromkeys(offers, 0)
    for provider_id, offer in itertools.islice(cycle, count):
        created = orders.create_order(user, plan_slug=offer.slug)
        if paid:
            payment_state.mark_paid(created.id, payment_intent_id=f"pi_bench_{uuid.uuid4().hex[:12]}",
                                    amount_cents=created.price_cents, currency=created.currency)
        ids.append(created.id)
        per_provider[provider_id] += 1
    return ids, per_provider


def _calls_made(since: float) -> dict[str, int]:
    with db.get_engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT provider_id, count(*) FROM provider_calls "
                                    "WHERE started_at >= to_timestamp(:since) GROUP BY provider_id"), {"since": since})
        return dict(rows.all())


def _requests_served(urls: dict[str, str]) -> dict[str, int]:
    """API requests each simulator has answered so far: what the providers' rate limits count."""
    return {pid: httpx.get(f"{url}/_sandbox/requests").json()["count"] for pid, url in urls.items()}


def _floor(requests: dict[str, int], latency: float) -> float:
    """The least time the documented limits allow for the requests made: each provider at its default rate
    after the first second's burst (a full bucket), all providers in parallel, plus one answer's latency.
    Requests, not operations: an eSIM Go order is three (validate, transaction, tagging its eSIM)."""
    rates: dict[str, Rate] = {pid: LIMITS[pid]["default"] for pid in requests}
    return max(max(n - r.max_rate, 0) * r.period / r.max_rate for pid, n in requests.items()
               for r in (rates[pid],)) + latency


def round_trips(urls: dict[str, str], count: int, *, worker: bool) -> float:
    """Database round trips per order, counted on the wire (`bench.roundtrips`): fulfilled by a job
    worker (batch claims), or one `fulfil_paid_order` at a time (the web process's path after a payment)."""
    ids, _ = _orders(count, paid=True)
    direct = db.database_url()
    proxy = RoundTripProxy(direct)
    with proxy.running():
        _use_database(proxy.url)
        registry = build_registry(Settings(_env_file=None, provider_timeout_seconds=30), sandbox_urls=urls)

        async def by_worker() -> None:
            stop, fulfilment = asyncio.Event(), FulfilmentWorker(lambda: registry)
            task = asyncio.create_task(fulfilment.run(stop))
            while fulfilment.fulfilled < len(ids):
                await asyncio.sleep(0.05)
            stop.set()
            await task

        async def one_by_one() -> None:
            for order_id in ids:
                await orders.fulfil_paid_order(order_id, registry=registry)

        async def run() -> None:
            await (by_worker() if worker else one_by_one())
            await registry.aclose()

        proxy.reset()
        asyncio.run(run())
        time.sleep(0.2)  # the last provider-call records
        counted = proxy.reset()
    _use_database(direct)
    return counted / len(ids)


def _start_workers(n: int, urls: dict[str, str], *, limited: bool) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "SANDBOX_URLS": json.dumps(urls), "LIFT_LIMITS": "0" if limited else "1"}
    workers = [subprocess.Popen([sys.executable, "-m", "bench.fulfil_worker"], env=env, stdout=subprocess.PIPE,
                                text=True) for _ in range(n)]
    for w in workers:
        assert w.stdout is not None and w.stdout.readline().strip() == "ready"
    return workers


def _cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far; gone processes are left out."""
    spent = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            spent[pid] = sum(psutil.Process(pid).cpu_times()[:2])
    return spent


def _simulators_pid() -> int:
    """The simulators' child process (`bench.catalog_sync.simulators`)."""
    return next(p.pid for p in psutil.Process().children() if "providers.sandbox" in " ".join(p.cmdline()))


def _backends() -> list[int]:
    """PostgreSQL's server processes for this database's connections (the job workers' included)."""
    with db.get_engine().connect() as conn:
        return list(conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
                    .scalars())


def _cpu_per_order(before: dict[int, float], after: dict[int, float], count: int) -> float:
    """Milliseconds of CPU per order the processes spent between two `_cpu` readings (new ones from zero)."""
    return sum(spent - before.get(pid, 0.0) for pid, spent in after.items()) * 1000 / count


def bulk(count: int, latency: float, urls: dict[str, str], *, workers: int, limited: bool) -> None:
    """`count` orders paid at once (one UPDATE), fulfilled by `workers` job worker processes; CPU per order
    of the job workers, of the simulators and of PostgreSQL (this database's server processes)."""
    ids, _ = _orders(count)
    procs = _start_workers(workers, urls, limited=limited)
    served = _requests_served(urls)
    sim = _simulators_pid()
    try:
        since = time.time()
        cpu_before = {"workers": _cpu([p.pid for p in procs]), "sim": _cpu([sim]), "pg": _cpu(_backends())}
        with db.get_engine().begin() as conn:
            conn.execute(sa.text("UPDATE orders SET status = 'paid', payment_status = 'succeeded' "
                                 "WHERE id = ANY(:ids)"), {"ids": ids})
        started = time.perf_counter()
        query = sa.text("SELECT count(*) FROM orders WHERE id = ANY(:ids) AND status IN ('completed', 'failed')")
        while (done := _scalar(query, ids)) < count and time.perf_counter() - started < 600:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        cpu = {"workers": _cpu([p.pid for p in procs]), "sim": _cpu([sim]), "pg": _cpu(_backends())}
    finally:
        peaks = [_stop(p) for p in procs]
    completed = _scalar(sa.text("SELECT count(*) FROM orders WHERE id = ANY(:ids) AND status = 'completed'"), ids)
    per_order = {k: _cpu_per_order(cpu_before[k], cpu[k], count) for k in cpu}
    label = "documented rate limits" if limited else "rate limits lifted"
    line = (f"{count} paid orders, {latency * 1000:.0f} ms provider latency, {label}, {workers} job worker"
            f"{'s' if workers > 1 else ''}: {elapsed:.1f} s, {completed} completed ({done - completed} failed), "
            f"peak RSS per worker {max(peaks) / 2**20:.0f} MiB; CPU per order: job workers "
            f"{per_order['workers']:.1f} ms, simulators {per_order['sim']:.1f} ms, PostgreSQL {per_order['pg']:.1f} ms")
    if limited:
        requests = {pid: n - served[pid] for pid, n in _requests_served(urls).items()}
        floor = _floor(requests, latency)
        line += (f"; floor set by the limits {floor:.1f} s for the requests made {requests} (operations "
                 f"{_calls_made(since)}): {elapsed / floor:.2f}x the floor")
    print(line, flush=True)


def _scalar(query: sa.TextClause, ids: list[int]) -> int:
    with db.get_engine().connect() as conn:
        return conn.execute(query, {"ids": ids}).scalar_one()


def _stop(proc: subprocess.Popen[str]) -> int:
    """Stop a job worker; its peak RSS in bytes (a worker that does not report one fails the bench, rather
    than counting as 0)."""
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    match = re.search(r"^peak_rss (\d+)", out, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"job worker {proc.pid} ended ({proc.returncode}) without its figures: {out[-200:]!r}")
    return int(match[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--webhooks", type=int, default=40, help="0 skips the webhook figures")
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--limited-orders", type=int, default=500,
                        help="orders of the documented-limits run (0 skips it)")
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="job workers of each lifted run")
    parser.add_argument("--quick", action="store_true", help="no webhooks, 100 orders, 40 under the limits")
    args = parser.parse_args()
    if args.quick:
        args.webhooks, args.orders, args.limited_orders = 0, 100, 40
    with fresh_database("esim_bench_checkout") as url:
        _use_database(url, ESIM_ENV="development")
        migrations.upgrade()
        with simulators(1) as urls:
            run_sync_packages(build_registry(Settings(_env_file=None), sandbox_urls=urls))
            invalidate_catalog_cache()
            if args.webhooks:
                webhook_to_esim(args.webhooks)
            print(f"database round trips per order, counted on the wire: {round_trips(urls, 30, worker=True):.1f} "
                  f"by a job worker, {round_trips(urls, 30, worker=False):.1f} one order at a time; "
                  f"before: {ROUND_TRIPS_BEFORE}", flush=True)
            for provider_url in urls.values():
                httpx.post(f"{provider_url}/_sandbox/faults", json={"latency": args.latency}).raise_for_status()
            for workers in args.workers:
                bulk(args.orders, args.latency, urls, workers=workers, limited=False)
            if args.limited_orders:
                bulk(args.limited_orders, args.latency, urls, workers=1, limited=True)
        db.reset_engine()


if __name__ == "__main__":
    main()
