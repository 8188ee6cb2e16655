"""Enterprise distribution figures (prints, asserts nothing).

    PYTHONPATH=$PWD .venv/bin/python -m bench.enterprise_distribution [--requests 1000] [--clients 20]
                                                                      [--processes 4] [--rows 100000]

1. Assignment: `--requests` assignment requests (one recipient each) run by `--clients` threads at
   once, each with its own database connection, through the real service (claim FOR UPDATE SKIP
   LOCKED, insert ON CONFLICT DO NOTHING, count check, email queued, audit row). Round A: one request
   per eSIM (all win); round B: ten requests per eSIM (one wins, nine are refused). p50/p95 latency of
   a request and allocations vs eSIMs (a one-client baseline first). Goal: p95 <= 50 ms, allocations = eSIMs.
   The clients are threads of this process, which also runs the service code: a request's latency includes
   waiting for the GIL while other threads run theirs (the CPU per request is printed). The pool keeps a
   connection per client, opened before timing (the count of connections opened while timing shows it).
   Each round runs again with the clients split over `--processes` processes (as several web workers
   would serve them), each with its own GIL. Besides the clients' CPU, the CPU of their PostgreSQL
   backends per request, and (in the one-client round, from a libpq trace) the round trips per request:
   figures that do not depend on what else the machine runs.
2. Export: `--rows` eSIMs with allocations, streamed as CSV (server-side cursor, batches); rows/s, and
   the peak of extra memory (tracemalloc in a second pass; RSS sampled in the first). Goals:
   >= 50,000 rows/s, <= 50 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import psutil
import sqlalchemy as sa

from services.accounts.sessions import Identity
from services.core import ServiceError, db, migrations
from services.core.settings import get_settings
from services.enterprise import allocation, exports
from services.enterprise.recipients import Recipient
from tests.support.database import fresh_database
from tests.support.enterprise import company_esims, member


def _use_database(url: str, *, clients: int) -> None:
    """The bench's database, with a connection kept open per client thread (`DB_POOL_SIZE`): with fewer,
    the pool closes each connection past its size on return and the next request opens a new one."""
    os.environ["DATABASE_URL"], os.environ["DB_POOL_SIZE"] = url, str(clients)
    get_settings.cache_clear()
    db.reset_engine()


_BACKENDS: list[int] = []  # the PostgreSQL backend process of each of the clients' connections


def _warm_pool(clients: int) -> None:
    """Open the clients' connections before timing, as a running web process has them."""
    with ExitStack() as stack:
        conns = [stack.enter_context(db.get_engine().connect()) for _ in range(clients)]
        _BACKENDS[:] = [c.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
                        for c in conns]


def _backends_cpu() -> float:
    """CPU seconds used so far by the backends of this process's connections (same machine)."""
    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in _BACKENDS)


def _round_trips(request: Callable[[], object], count: int) -> float:
    """Round trips to the server per call of `request` (one pooled connection, libpq's trace of it):
    each simple query and each extended-protocol Sync waits for an answer."""
    db.get_engine().dispose()  # one connection in the pool from now on: the traced one
    with tempfile.TemporaryFile("w+") as trace:
        with db.get_engine().connect() as conn:  # the pool's connection the requests will reuse
            conn.connection.dbapi_connection.pgconn.trace(trace.fileno())  # type: ignore[union-attr]
        for _ in range(count):
            request()
        with db.get_engine().connect() as conn:
            conn.connection.dbapi_connection.pgconn.untrace()  # type: ignore[union-attr]
        trace.seek(0)
        sent = [line.split("\t")[3] for line in trace if line.split("\t")[1:2] == ["F"]]
    return sum(message.split()[0] in ("Query", "Sync") for message in sent) / count


def _connections_opened() -> Callable[[], int]:
    """A counter of the connections the engine opens from now on."""
    opened = [0]
    sa.event.listen(db.get_engine(), "connect", lambda *_: opened.__setitem__(0, opened[0] + 1))
    return lambda: opened[0]


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


# The round's caller and targets, set before the clients start (forked client processes inherit them).
_ROUND: tuple[Identity, list[str]] = (None, [])  # type: ignore[assignment]


def _one(i: int) -> tuple[float, bool]:
    admin, targets = _ROUND
    start = time.perf_counter()
    try:
        allocation.assign(admin, [Recipient(f"P {i}", f"p{i}@example.com")], esim_refs=[targets[i]])
        won = True
    except ServiceError:
        won = False
    return (time.perf_counter() - start) * 1000, won


def _client(part: int, processes: int, threads: int) -> tuple[list[tuple[float, bool]], float, float]:
    """One client process's share of the requests on `threads` threads; (latencies, its CPU seconds,
    its backends' CPU seconds)."""
    if processes > 1:
        db.get_engine().dispose(close=False)  # forked: the parent's connections are not this process's
        _warm_pool(threads)
    cpu, server = time.process_time(), _backends_cpu()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(_one, range(part, len(_ROUND[1]), processes)))
    return results, time.process_time() - cpu, _backends_cpu() - server


def _count_round_trips(count: int = 20) -> None:
    admin = member("operations")
    refs = company_esims(admin.org_id, count)  # type: ignore[arg-type]
    calls = iter(range(2 * count))

    def request() -> None:
        i = next(calls)
        with contextlib.suppress(ServiceError):
            allocation.assign(admin, [Recipient(f"R {i}", f"r{i}@example.com")], esim_refs=[refs[i % count]])

    won, refused = _round_trips(request, count), _round_trips(request, count)
    print(f"  round trips to PostgreSQL per request, one client: {won:.2f} won, {refused:.2f} refused")


def _assign_round(label: str, esims: int, per_esim: int, clients: int, processes: int = 1) -> None:
    global _ROUND
    admin = member("operations")
    refs = company_esims(admin.org_id, esims)  # type: ignore[arg-type]
    _ROUND = (admin, [refs[i % esims] for i in range(esims * per_esim)])
    targets = _ROUND[1]
    _warm_pool(clients // processes)
    opened = _connections_opened()
    start = time.perf_counter()
    if processes == 1:
        parts = [_client(0, 1, clients)]
    else:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            parts = pool.starmap(_client, [(k, processes, clients // processes) for k in range(processes)])
    elapsed = time.perf_counter() - start
    results = [r for part, _, _ in parts for r in part]
    cpu, server = sum(c for _, c, _ in parts), sum(b for _, _, b in parts)
    with db.get_engine().connect() as conn:
        live = conn.execute(sa.text("SELECT count(*) FROM esim_allocations WHERE enterprise_account_id = :c"
                                    " AND revoked_at IS NULL"), {"c": admin.org_id}).scalar()
        doubles = conn.execute(sa.text("SELECT count(*) FROM (SELECT esim_id FROM esim_allocations WHERE"
                                       " enterprise_account_id = :c GROUP BY esim_id HAVING count(*) > 1) d"),
                               {"c": admin.org_id}).scalar()
    times = [t for t, _ in results]
    print(f"  {label}: {len(targets)} requests by {clients} clients in {processes} processes over {esims} eSIMs"
          f" in {elapsed:.2f} s:"
          f" p50 {_p(times, 50):.1f} ms, p95 {_p(times, 95):.1f} ms (goal <= 50 ms);"
          f" won {sum(w for _, w in results)}, refused {sum(not w for _, w in results)};"
          f" allocations {live} = eSIMs {esims}: {live == esims}; eSIMs with two recipients: {doubles};"
          f" connections opened while timing (this process): {opened()}; client processes' CPU"
          f" {cpu * 1000 / len(targets):.2f} ms a request (a process's threads share one GIL:"
          f" {cpu / elapsed / processes:.0%} of the elapsed time each), their PostgreSQL backends' CPU"
          f" {server * 1000 / len(targets):.2f} ms a request")


def _seed_export(rows: int) -> Identity:
    admin = member("finance")
    company_esims(admin.org_id, 1)  # type: ignore[arg-type]  (a package and an order to hang the rest on)
    with db.get_engine().begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO esims (order_id, enterprise_account_id, provider_id, iccid, lpa, smdp_address, matching_id,"
            " status, used_mb, total_mb, unlimited, raw)"
            " SELECT e.order_id, e.enterprise_account_id, e.provider_id, '89' || lpad(g::text, 18, '0'), e.lpa,"
            " e.smdp_address, e.matching_id, 'not_installed', g % 3000, 3072, false, e.raw"
            " FROM esims e, generate_series(1, :n) g WHERE e.enterprise_account_id = :c LIMIT :n"),
            {"n": rows - 1, "c": admin.org_id})
        conn.execute(sa.text(
            "INSERT INTO esim_allocations (esim_id, enterprise_account_id, recipient_name, recipient_email,"
            " token_hash, expires_at) SELECT id, :c, '=Person ' || id, 'p' || id || '@example.com',"
            " md5(id::text) || md5('x' || id::text), now() + interval '30 days'"
            " FROM esims WHERE enterprise_account_id = :c"), {"c": admin.org_id})
    with db.get_engine().connect() as conn:  # as autovacuum would after a bulk load
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE esims, esim_allocations"))
    return admin


def _drain(who: Identity, kind: str) -> tuple[int, int]:
    stream = exports.open_export(who, kind)
    size = lines = 0
    for chunk in stream.chunks:
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    return lines - 1, size


def _export(who: Identity, kind: str) -> None:
    process, peak, done = psutil.Process(), [0], threading.Event()
    base = process.memory_info().rss

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss - base)
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    rows, size = _drain(who, kind)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    tracemalloc.start()
    _drain(who, kind)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  export {kind}: {rows} rows, {size / 1e6:.1f} MB of CSV in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s"
          f" (goal >= 50,000); peak extra memory: {traced / 1e6:.1f} MB traced by tracemalloc,"
          f" {peak[0] / 1e6:.1f} MB RSS growth (goal <= 50 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--processes", type=int, default=4, help="also run the clients split over this many "
                        "processes (as web workers would be), each with its own GIL")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with fresh_database("esim_bench_distribution") as url:
        _use_database(url, clients=args.clients)
        migrations.upgrade()
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other processes share them)")
        print("Assignment (one recipient per request):")
        _assign_round("baseline, one client", 200, 1, 1)
        _count_round_trips()  # in a warm process (the first request loads and caches the store's settings)
        for processes in sorted({1, args.processes}):
            _assign_round("A, one request per eSIM", args.requests, 1, args.clients, processes)
            _assign_round("B, ten requests per eSIM", args.requests // 10, 10, args.clients, processes)
        print(f"CSV export ({args.rows:,} eSIMs, each with an allocation):")
        finance = _seed_export(args.rows)
        for kind in ("esims", "allocations"):
            _export(finance, kind)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        db.reset_engine()


if __name__ == "__main__":
    main()
