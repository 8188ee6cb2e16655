"""Fault tolerance: a provider down for 30 minutes, 30 % of calls failing, a process killed mid-order.

Every case ends with each paid order completed (one provider order, one eSIM) or refunded with a
reason, never bought twice, never lost; each prints its `fault <case>: ...` line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time

from providers.sandbox.faults import _held_back
from providers.sandbox.server import APP_FACTORIES, Sandbox, serve
from services.core import db
from tests.integration.jobs.conftest import make_registry, offers, paid_order
from tests.integration.jobs.support import drive_jobs, first_attempts, outcome

PER_PROVIDER = 4


def _orders(customer: int, stripe: str) -> list[int]:
    packages = [p for provider in ("airalo", "esim_access", "esim_go") for p in offers(provider, PER_PROVIDER)]
    return [paid_order(customer, p, stripe_url=stripe) for p in packages]


def _assert_clean(counts: dict[str, int]) -> None:
    assert counts["duplicated"] == 0 and counts["lost"] == 0, counts
    assert counts["completed"] + counts["refunded"] == counts["paid"], counts


async def test_provider_down_for_30_minutes_then_recovering(sandbox, stripe, customer, clock):
    # given paid orders on all three providers, and eSIM Go answering 5xx to everything
    registry = make_registry(sandbox, timeout=2)
    ids = _orders(customer, stripe)
    down = sandbox.sim("esim_go")
    down.faults.fail_next = -1
    # when the web process tries once, then the jobs run every 5 simulated minutes; eSIM Go is back at 30
    await first_attempts(ids, registry)

    def recover(elapsed: int) -> None:
        if elapsed >= 30:
            down.faults.fail_next = 0

    await drive_jobs(registry, clock, minutes=100, on_tick=recover)
    # then every order was bought once
    counts = outcome("provider_down_30min", ids, sandbox)
    _assert_clean(counts)
    assert counts["completed"] == len(ids)
    await registry.aclose()


class _RandomTimeouts:
    """Holds back the answer (after processing) of a random share of provider calls, past the client timeout."""

    def __init__(self, app, *, rate: float, seconds: float, seed: int) -> None:
        self.app, self.rate, self.seconds, self.rng = app, rate, seconds, random.Random(seed)
        self.state = app.state

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/_sandbox") and self.rng.random() < self.rate:
            send = _held_back(send, self.seconds)
        await self.app(scope, receive, send)


@contextlib.contextmanager
def _flaky_sandbox(error_rate: float, timeout_rate: float, hold: float):
    chaotic = Sandbox()
    with contextlib.ExitStack() as stack:
        for seed, (provider, factory) in enumerate(APP_FACTORIES.items()):
            app = factory()
            app.state.sim.faults.error_rate = error_rate  # 5xx, the simulators' own knob
            if provider == "esim_access":
                app.state.sim.allocation_delay = 0.0
            chaotic.apps[provider] = app
            chaotic.urls[provider] = stack.enter_context(
                serve(_RandomTimeouts(app, rate=timeout_rate, seconds=hold, seed=seed)))
        yield chaotic


async def test_thirty_percent_of_provider_calls_failing_at_random(sandbox, stripe, customer, clock):
    # given simulators where 15 % of calls answer 5xx and another 15 % time out (answer held back)
    with _flaky_sandbox(error_rate=0.15, timeout_rate=0.15 / 0.85, hold=1.0) as chaotic:
        registry = make_registry(chaotic, timeout=0.5)
        ids = _orders(customer, stripe)
        # when fulfilment and the jobs run for 90 simulated minutes
        await first_attempts(ids, registry)
        await drive_jobs(registry, clock, minutes=90)
        # then nothing was doubled or lost
        counts = outcome("random_30pct_5xx_timeouts", ids, chaotic)
        await registry.aclose()
    _assert_clean(counts)


def _child(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.integration.jobs.crash_child"], env={**os.environ, **env},
                            stdout=subprocess.PIPE, text=True)


def _wait_for_lines(proc: subprocess.Popen[str], prefix: str, count: int, timeout: float = 30) -> None:
    deadline, seen = time.monotonic() + timeout, 0
    while seen < count:
        assert time.monotonic() < deadline, f"child printed {seen} of {count} '{prefix}' lines"
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line, "child exited early"
        seen += line.startswith(prefix)


async def test_process_killed_between_payment_and_provider_call(sandbox, stripe, customer, clock, jobs_db):
    # given paid orders: some never picked up, some claimed but not yet sent, some sent and processed
    # by Airalo whose answer never arrives
    never_started = [paid_order(customer, p, stripe_url=stripe) for p in offers("esim_go", 3)]
    before_call = [paid_order(customer, p, stripe_url=stripe) for p in offers("esim_access", 3) + offers("esim_go", 2)]
    in_flight = [paid_order(customer, p, stripe_url=stripe) for p in offers("airalo", 3)]
    airalo = sandbox.sim("airalo")
    airalo.faults.update({"paths": ["POST /v2/orders"], "hang_next": -1, "hang_phase": "after", "hang_seconds": 30})
    proc = _child({"DATABASE_URL": jobs_db, "SANDBOX_URLS": json.dumps(sandbox.urls),
                   "ORDER_IDS": json.dumps(before_call + in_flight), "HOLD_BEFORE_CALL": json.dumps(before_call)})
    try:
        _wait_for_lines(proc, "before-call", len(before_call))
        refs = _references(in_flight)
        deadline = time.monotonic() + 30
        while sum(airalo.orders_received(f"{r}-airalo") for r in refs) < len(refs):
            assert time.monotonic() < deadline, "Airalo never received the in-flight orders"
            await asyncio.sleep(0.05)
        # when the process is killed there
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    airalo.faults.update({"paths": [], "hang_next": 0})
    # and restarted: the pending-orders job runs once the provisioning lease has run out
    registry = make_registry(sandbox)
    ids = never_started + before_call + in_flight
    await drive_jobs(registry, clock, minutes=10)
    await registry.aclose()
    # then each order was completed once; the in-flight ones were found at Airalo, not bought again
    counts = outcome("sigkill_between_payment_and_provider", ids, sandbox)
    _assert_clean(counts)
    assert counts["completed"] == len(ids)


def _references(order_ids: list[int]) -> list[str]:
    import sqlalchemy as sa

    with db.get_engine().connect() as conn:
        return list(conn.execute(sa.text("SELECT client_reference FROM orders WHERE id = ANY(:ids)"),
                                 {"ids": order_ids}).scalars())
