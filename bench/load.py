"""Load over Reflex's own websocket protocol: prints figures, asserts nothing.

    PYTHONPATH=$PWD .venv/bin/python -m bench.load [--sessions 200] [--seconds 60] [--think 1.0]
                                                   [--workers 1,2] [--quick]

For each web worker count, the app's backend-only production server
(`python -m esim_app.server run --env prod --backend-only`, i.e. `reflex run` with respawning
workers) runs on a private redis-server (page state, `REFLEX_REDIS_URL`) and a fresh database
holding the sandbox catalogue; `--sessions` simulated browsers (bench/load_clients.py) speak
Reflex's socket.io event protocol, each running visitor journeys back to back for `--seconds`:
open `/`, search "jap", open Japan, filter, open a plan, with `--think` seconds (±50 %) between
steps. Then the same journeys go to bench/bare_app.py (the same service calls behind bare
Starlette endpoints, also on Granian with as many workers). Per worker count it prints sessions,
events/s, p50/p95/p99 event latency, errors, Redis round trips per event (INFO commandstats calls
during the run / events), RSS per session ((peak - idle) RSS of the server's processes / sessions),
server CPU per event (CPU seconds of the server's processes, the run's PostgreSQL backends and Redis
during the run / events: the cost to compare between runs on a shared machine, beside the load
average; it still grows somewhat with the load) and Reflex's latency over the bare endpoints'. The browsers run in this process, on the same
machine as the servers: on a small or shared machine they compete for the same cores.
`--quick`: 20 sessions for 15 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import psutil
import redis
from sqlalchemy.engine import make_url

from bench.load_clients import Figures, bare_journey, initial_state_hashes, reflex_journey, run_sessions
from tests.support.database import fresh_database
from tests.support.server import ROOT, free_port, redis_server, stop_group

GOAL = "goal: 200 sessions on 2 workers, p95 <= 150 ms, 0 errors, Reflex/bare <= 2x"
START_TIMEOUT = 180.0


@dataclass(frozen=True)
class Result:
    figures: Figures
    seconds: float
    redis_calls: dict[str, int]  # command -> calls during the run
    redis_bytes: int  # growth of Redis's used_memory during the run (page states kept for later events)
    idle_rss: int
    peak_rss: int
    client_cpu: float  # CPU seconds this process (the simulated browsers) used during the run
    server_cpu: dict[str, float]  # CPU seconds used during the run: app (server processes), postgres, redis


def _prepare(url: str) -> None:
    """Migrate the fresh database and fill it with the simulators' catalogue."""
    from services.catalog.sync import run_sync_packages
    from services.core import db, migrations
    from services.core.settings import Settings, get_settings
    from services.sandbox import tooling as sandbox

    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    db.reset_engine()
    migrations.upgrade()
    with sandbox.command_registry(Settings(_env_file=None, esim_env="test")) as registry:
        report = run_sync_packages(registry)
    db.reset_engine()
    print(f"catalogue: {report.enabled_offers} offers on sale")


def _wait(ready: Callable[[], object], proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with contextlib.suppress(Exception):
            if ready():
                return
        time.sleep(0.3)
    raise TimeoutError(f"{what} did not start within {START_TIMEOUT:.0f} s")


@contextlib.contextmanager
def _server(kind: str, workers: int, env: dict[str, str], log: pathlib.Path) -> Iterator[tuple[str, int]]:
    """The Reflex backend or the bare app with `workers` Granian workers; yields (url, pid)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    if kind == "reflex":
        cmd = [sys.executable, "-m", "esim_app.server", "run", "--env", "prod", "--backend-only",
               "--backend-port", str(port)]
        health = f"{url}/api/health"
    else:
        cmd = [str(pathlib.Path(sys.executable).with_name("granian")), "--interface", "asgi", "--workers",
               str(workers), "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "bench.bare_app:app"]
        health = f"{url}/search?q=jap"
    full_env = {**env, "APP_PORT": str(port), "GRANIAN_WORKERS": str(workers)}
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait(lambda: httpx.get(health, timeout=2).status_code == 200, proc, f"{kind} server (see {log})")
        yield url, proc.pid
    finally:
        stop_group(proc, 30)


def _tree_sum(pid: int, measure: Callable[[psutil.Process], float]) -> float:
    """`measure` summed over process `pid` and its descendants (those gone meanwhile count 0)."""
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(pid)
        total = 0.0
        for p in (root, *root.children(recursive=True)):
            with contextlib.suppress(psutil.Error):
                total += measure(p)
        return total
    return 0.0


def _tree_rss(pid: int) -> int:
    return int(_tree_sum(pid, lambda p: p.memory_info().rss))


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process `pid` and its descendants."""
    return _tree_sum(pid, lambda p: sum(p.cpu_times()[:2]))


def _database_cpu(db_name: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving database `db_name`."""
    total = 0.0
    for p in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if f" {db_name} " in " ".join(p.info["cmdline"] or ()) + " ":
                times = p.cpu_times()
                total += times.user + times.system
    return total


def _redis_cpu(url: str | None) -> float:
    if not url:
        return 0.0
    info = redis.Redis.from_url(url).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def _server_cpu(pid: int, db_name: str, redis_url: str | None) -> dict[str, float]:
    return {"app": _tree_cpu(pid), "postgres": _database_cpu(db_name), "redis": _redis_cpu(redis_url)}


def _redis_memory(url: str | None) -> int:
    return int(redis.Redis.from_url(url).info("memory")["used_memory"]) if url else 0


def _redis_calls(url: str | None) -> dict[str, int]:
    """Calls per command Redis has served (INFO commandstats), leaving out the INFO calls that ask."""
    if not url:
        return {}
    stats = redis.Redis.from_url(url).info("commandstats")
    return {k.removeprefix("cmdstat_"): v["calls"] for k, v in stats.items() if k != "cmdstat_info"}


def _measure(journey: Callable, url: str, pid: int, redis_url: str | None, db_name: str,
             args: argparse.Namespace) -> Result:
    """Warm up, then run the sessions while sampling the servers' RSS every half second."""
    asyncio.run(run_sessions(journey, url, sessions=2, seconds=1, think=0, ramp=0))
    idle = _tree_rss(pid)
    peak = [idle]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            peak[0] = max(peak[0], _tree_rss(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    calls, memory, started = _redis_calls(redis_url), _redis_memory(redis_url), time.perf_counter()
    cpu, server_cpu = time.process_time(), _server_cpu(pid, db_name, redis_url)
    figures = asyncio.run(run_sessions(journey, url, sessions=args.sessions, seconds=args.seconds,
                                       think=args.think, ramp=args.ramp))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    server_cpu = {k: v - server_cpu[k] for k, v in _server_cpu(pid, db_name, redis_url).items()}
    after = _redis_calls(redis_url)
    calls = {k: n - calls.get(k, 0) for k, n in after.items() if n > calls.get(k, 0)}
    memory = _redis_memory(redis_url) - memory
    done.set()
    sampler.join()
    return Result(figures, seconds, calls, memory, idle, peak[0], cpu, server_cpu)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000 if ordered else float("nan")


def _line(name: str, workers: int, r: Result, sessions: int) -> str:
    lat, events = r.figures.latencies, len(r.figures.latencies)
    errors = sum(r.figures.errors.values())
    detail = f" ({', '.join(f'{k}: {v}' for k, v in sorted(r.figures.errors.items()))})" if errors else ""
    per_event = f"{sum(r.redis_calls.values()) / events:.1f}" if events else "-"
    mb = (r.peak_rss - r.idle_rss) / sessions / 2**20
    return (f"{name:6} {workers} worker(s): {sessions} sessions, {events} events in {r.seconds:.0f} s = "
            f"{events / r.seconds:.1f} events/s; latency p50 {_pct(lat, .5):.0f} ms, p95 {_pct(lat, .95):.0f} ms, "
            f"p99 {_pct(lat, .99):.0f} ms; errors {errors}{detail}; Redis {per_event} round trips/event; "
            f"RSS {mb:.2f} MB/session (idle {r.idle_rss / 2**20:.0f} MB, peak {r.peak_rss / 2**20:.0f} MB); "
            f"the browsers used {100 * r.client_cpu / r.seconds:.0f} % of a CPU")


def _cpu(r: Result) -> str:
    """Server CPU per event: a load-independent cost (wall-clock latency depends on the machine's load)."""
    events = max(1, len(r.figures.latencies))
    parts = ", ".join(f"{k} {1000 * v / events:.1f}" for k, v in r.server_cpu.items())
    return f"server CPU {1000 * sum(r.server_cpu.values()) / events:.1f} ms/event ({parts})"


def _kinds(r: Result) -> str:
    return ", ".join(f"{k} p50 {_pct(v, .5):.0f}/p95 {_pct(v, .95):.0f} ms"
                     for k, v in sorted(r.figures.by_kind.items()))


def _commands(r: Result) -> str:
    events = max(1, len(r.figures.latencies))
    top = sorted(r.redis_calls.items(), key=lambda kv: -kv[1])[:6]
    return ", ".join(f"{name} {calls / events:.1f}" for name, calls in top)


def _report(workers: int, reflex: Result, bare: Result, sessions: int) -> None:
    print(_line("reflex", workers, reflex, sessions))
    print(f"       by event: {_kinds(reflex)}")
    print(f"       {_cpu(reflex)}; load average {os.getloadavg()[0]:.1f}")
    visitors = max(1, len(reflex.figures.by_kind.get("hydrate", [])))
    print(f"       Redis commands per event: {_commands(reflex)}; Redis memory +{reflex.redis_bytes / 2**20:.1f} MB "
          f"for {visitors} visitors ({reflex.redis_bytes / visitors / 1024:.0f} KB each, kept until they expire)")
    print(_line("bare", workers, bare, sessions))
    print(f"       by request: {_kinds(bare)}")
    print(f"       {_cpu(bare)}")
    ratios = [_pct(reflex.figures.latencies, q) / _pct(bare.figures.latencies, q) for q in (.5, .95, .99)]
    print(f"Reflex / bare latency, {workers} worker(s): p50 {ratios[0]:.1f}x, p95 {ratios[1]:.1f}x, "
          f"p99 {ratios[2]:.1f}x", flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured time after the ramp")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a browser's steps (±50%%)")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the browsers start")
    parser.add_argument("--workers", default="1,2", help="web worker counts to run, comma separated")
    parser.add_argument("--quick", action="store_true", help="20 sessions for 15 s (ramp 3 s)")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.seconds, args.ramp = 20, 15.0, 3.0
    return args


def main() -> None:
    args = _arguments()
    os.environ["ESIM_ENV"] = "test"  # the servers' settings, also for the app's states imported here
    logs = ROOT / "test-artifacts"
    logs.mkdir(exist_ok=True)
    print(f"{args.sessions} sessions, {args.seconds:.0f} s after a {args.ramp:.0f} s ramp, think {args.think} s; "
          f"{psutil.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {GOAL}", flush=True)
    with fresh_database("esim_load") as db_url, redis_server() as redis_url, \
            tempfile.TemporaryDirectory(prefix="esim-load-") as data_dir:
        _prepare(db_url)
        db_name = make_url(db_url).database or ""
        journey = functools.partial(reflex_journey, hashes=initial_state_hashes())
        env = {**os.environ, "DATABASE_URL": db_url, "ESIM_ENV": "test", "SCHEDULER": "off", "DATA_DIR": data_dir,
               "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT), "REFLEX_TELEMETRY_ENABLED": "false",
               "REFLEX_CHECK_LATEST_VERSION": "0"}
        reflex_env = {**env, "REDIS_URL": redis_url, "REFLEX_REDIS_URL": redis_url, "REFLEX_BACKEND_ONLY": "1"}
        for workers in (int(w) for w in args.workers.split(",")):
            redis.Redis.from_url(redis_url).flushdb()
            with _server("reflex", workers, reflex_env, logs / f"load-reflex-{workers}.log") as (url, pid):
                reflex = _measure(journey, url, pid, redis_url, db_name, args)
            with _server("bare", workers, env, logs / f"load-bare-{workers}.log") as (url, pid):
                bare = _measure(bare_journey, url, pid, None, db_name, args)
            _report(workers, reflex, bare, args.sessions)


if __name__ == "__main__":
    main()
