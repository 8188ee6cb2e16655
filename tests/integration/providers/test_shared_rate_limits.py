"""A provider's documented rate limit holds across processes when they share Redis.

Three processes each call one provider endpoint flat out (24 requests each, all at once) through
`ProviderHTTP` with eSIM Access's documented limit (8 requests/second). Each request carries the
moment it was sent (stamped after the limiter let it go, by the `sign` hook every attempt runs) and
the endpoint collects them. With Redis shared, the three together send no faster than 8 a second
after the allowed first burst of 8; without it, each process keeps only its own 8 a second and
together they send about three times that (so the test can fail).

The combined rate is what is asserted, not the busiest one-second window: on this 2-core machine
under load a process can stall for half a second between its slot and its send, which bunches its
sends up against the next slots; no client-side limiter controls that, so the limiter spaces slots
5 % wider than the window (`providers.rate_store.SAFETY`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/15"
LIMIT, PROCESSES, CALLS = 8, 3, 24

CALLER = """
import asyncio, sys, time
from providers.http import ProviderHTTP, Rate
def stamp(request):
    request.headers["x-sent-at"] = repr(time.time())
async def main():
    await asyncio.sleep(float(sys.argv[4]) - time.time())  # every process starts at the same moment
    http = ProviderHTTP("esim_access", sys.argv[1], timeout=30, rates={"default": Rate(8, 1)},
                        error_for=lambda response: None, shared_rates_url=sys.argv[2])
    await asyncio.gather(*(http.request("GET", "/ping", idempotent=True, sign=stamp) for _ in range(int(sys.argv[3]))))
    await http.aclose()
asyncio.run(main())
"""


class _Arrivals(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the providers' servers
    arrivals: list[float] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.arrivals.append(float(self.headers["x-sent-at"]))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint():
    _Arrivals.arrivals = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Arrivals)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Arrivals.arrivals
    server.shutdown()


def _combined_rate(sends: list[float]) -> float:
    """Requests per second after the first burst of `LIMIT` (which the documentation allows)."""
    return (len(sends) - LIMIT) / (max(sends) - min(sends))


def _run_callers(url: str, shared: str) -> None:
    start = time.time() + 5
    callers = [subprocess.Popen([sys.executable, "-c", CALLER, url, shared, str(CALLS), str(start)],
                                env=os.environ.copy()) for _ in range(PROCESSES)]
    for caller in callers:
        assert caller.wait(timeout=120) == 0


def test_three_processes_sharing_redis_stay_within_the_documented_limit(endpoint) -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.fail("Redis must run on 127.0.0.1:6379 for this test (it does here and in CI)")
    url, arrivals = endpoint
    _run_callers(url, REDIS_URL)
    assert len(arrivals) == PROCESSES * CALLS
    assert _combined_rate(arrivals) <= LIMIT


def test_without_redis_each_process_limits_only_itself(endpoint) -> None:
    url, arrivals = endpoint
    _run_callers(url, "")
    assert len(arrivals) == PROCESSES * CALLS
    assert _combined_rate(arrivals) > 2 * LIMIT
