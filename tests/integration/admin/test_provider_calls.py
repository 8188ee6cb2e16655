"""Every provider operation is a `provider_calls` row: outcome, latency, status, error code, subject."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from providers import base as pb
from providers.registry import ProviderRegistry
from providers.sandbox.server import Sandbox
from services.core import db
from services.jobs.retention import purge_provider_calls


def _calls(provider_id: str, since: dt.datetime) -> list[sa.Row]:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT * FROM provider_calls WHERE provider_id = :p AND started_at >= :t"
                                    " ORDER BY id"), {"p": provider_id, "t": since}).all()


@pytest.mark.parametrize("provider_id", ["airalo", "esim_access", "esim_go"])
async def test_a_successful_call_is_recorded_with_its_latency_and_status(registry: ProviderRegistry,
                                                                        provider_id: str) -> None:
    since = dt.datetime.now(dt.UTC)
    balance = await registry.get(provider_id).get_balance()
    assert balance.amount > 0 and balance.currency == "USD"
    [call] = _calls(provider_id, since)
    assert (call.operation, call.outcome, call.http_status, call.error_code) == ("get_balance", "ok", 200, None)
    assert call.latency_ms >= 0 and call.started_at >= since


async def test_a_failed_order_lookup_is_recorded_once_with_its_error_code_and_subject(
        registry: ProviderRegistry) -> None:
    since, missing = dt.datetime.now(dt.UTC), f"nope-{uuid.uuid4().hex[:8]}"
    with pytest.raises(pb.NotFound):
        await registry.get("airalo").get_order(missing)
    [call] = _calls("airalo", since)
    assert (call.operation, call.outcome, call.subject) == ("get_order", "error", missing)
    assert call.http_status == 404 and call.error_code


async def test_rate_limits_are_counted_even_when_a_retry_then_succeeds(registry: ProviderRegistry,
                                                                       sandbox: Sandbox) -> None:
    sim = sandbox.sim("esim_go")
    sim.faults.update({"rate_limit_next": 1, "retry_after": 0.05})
    since = dt.datetime.now(dt.UTC)
    await registry.get("esim_go").get_balance()
    [call] = _calls("esim_go", since)
    assert (call.outcome, call.rate_limit_hits, call.http_status) == ("ok", 1, 200)


async def test_a_call_that_ends_on_a_429_is_rate_limited(registry: ProviderRegistry, sandbox: Sandbox) -> None:
    sandbox.sim("esim_go").faults.update({"rate_limit_next": 10, "retry_after": 0.01})
    since = dt.datetime.now(dt.UTC)
    try:
        with pytest.raises(pb.RateLimited):
            await registry.get("esim_go").get_balance()
    finally:
        sandbox.sim("esim_go").faults.update({"rate_limit_next": 0})
    [call] = _calls("esim_go", since)
    assert (call.outcome, call.http_status) == ("rate_limited", 429)
    assert call.rate_limit_hits >= 2  # every attempt of the call


async def test_a_hanging_provider_is_a_timeout(registry: ProviderRegistry, sandbox: Sandbox) -> None:
    sandbox.sim("esim_go").faults.update({"hang_next": 5, "hang_seconds": 5})
    since = dt.datetime.now(dt.UTC)
    with pytest.raises(pb.ProviderError):
        await registry.get("esim_go").get_balance()
    [call] = _calls("esim_go", since)
    assert call.outcome == "timeout" and call.latency_ms >= 1000


def test_the_clean_up_deletes_old_call_records() -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("INSERT INTO provider_calls (provider_id, operation, started_at, latency_ms, outcome)"
                             " VALUES ('airalo', 'get_order', :t, 5, 'ok')"), {"t": old})
    assert purge_provider_calls(older_than=dt.timedelta(days=30)) >= 1
    assert all(c.started_at > old for c in _calls("airalo", old - dt.timedelta(seconds=1)))
