"""How long another process shows an old catalogue after a change (prints, asserts nothing).

    .venv/bin/python -m bench.cache_coherence [--changes 200]

Three listener processes (standing in for three web workers) each run a `CacheListener`; this
process publishes `--changes` invalidations one at a time and each listener reports, per change,
the delay from publish to its cache being cleared. Prints p50/p95/max over all listeners.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import time

from services.core import cache, cache_sync, db
from tests.support.database import fresh_database

LISTENERS = 3


def _worker(url: str, ready: mp.Event, seen: mp.Queue) -> None:
    def on_notify() -> None:
        cache.forget_local()
        seen.put(time.time())

    listener = cache_sync.CacheListener(url, on_notify).start()
    listener.wait_listening(30)
    ready.set()
    time.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()
    with fresh_database("esim_bench") as url:
        os.environ["DATABASE_URL"] = url
        db.reset_engine()
        db.get_engine().connect().close()
        ctx = mp.get_context("spawn")
        seen, workers, delays = ctx.Queue(), [], []
        for _ in range(LISTENERS):
            ready = ctx.Event()
            workers.append(ctx.Process(target=_worker, args=(url, ready, seen), daemon=True))
            workers[-1].start()
            ready.wait(60)
        for _ in range(args.changes):
            sent = time.time()
            cache_sync.publish()
            delays += [seen.get(timeout=10) - sent for _ in range(LISTENERS)]
        for worker in workers:
            worker.kill()
        db.reset_engine()
    delays_ms = sorted(d * 1000 for d in delays)
    p95 = delays_ms[int(len(delays_ms) * 0.95) - 1]
    print(f"cache coherence: {args.changes} changes x {LISTENERS} listening processes: "
          f"p50 {statistics.median(delays_ms):.1f} ms, p95 {p95:.1f} ms, max {delays_ms[-1]:.1f} ms "
          f"(goal: every worker within 1000 ms)")


if __name__ == "__main__":
    main()
