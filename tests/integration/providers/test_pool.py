"""The provider clients' connection pool (providers.pool) against a real local HTTP server."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from providers.pool import SHARD_SIZE, ShardedTransport, environment_proxy
from providers.sandbox.server import serve


async def _peer(request: Request) -> JSONResponse:
    await asyncio.sleep(float(request.query_params.get("wait", 0)))
    assert request.client is not None
    return JSONResponse({"port": request.client.port})


async def test_more_concurrent_calls_than_a_shard_holds_all_complete_and_connections_are_reused():
    with serve(Starlette(routes=[Route("/peer", _peer)])) as url:
        transport = ShardedTransport(max_connections=3 * SHARD_SIZE, keepalive_expiry=30)
        async with httpx.AsyncClient(base_url=url, transport=transport) as client:
            burst = await asyncio.gather(*(client.get("/peer", params={"wait": 0.2})
                                           for _ in range(3 * SHARD_SIZE)))
            assert len({r.json()["port"] for r in burst}) == 3 * SHARD_SIZE  # one connection each, none queued
            assert transport.busy == 0  # every slot given back once its response was read

            one_by_one = {(await client.get("/peer")).json()["port"] for _ in range(5)}
            assert len(one_by_one) == 1  # the same kept-alive connection, not a new one per call
            assert one_by_one <= {r.json()["port"] for r in burst}


async def test_a_failed_call_gives_its_slot_back():
    transport = ShardedTransport(max_connections=SHARD_SIZE, keepalive_expiry=30)
    async with httpx.AsyncClient(base_url="http://127.0.0.1:9", transport=transport) as client:
        for _ in range(SHARD_SIZE + 1):
            try:
                await client.get("/")
            except httpx.ConnectError:
                pass
        assert transport.busy == 0


async def test_a_call_waits_for_the_first_connection_given_back_in_any_pool():
    """Every slot held: the next call takes the first connection freed, not one behind a slow pool."""
    with serve(Starlette(routes=[Route("/peer", _peer)])) as url:
        transport = ShardedTransport(max_connections=2 * SHARD_SIZE, keepalive_expiry=30)
        async with httpx.AsyncClient(base_url=url, transport=transport) as client:
            slow = [asyncio.create_task(client.get("/peer", params={"wait": 3})) for _ in range(SHARD_SIZE)]
            await asyncio.sleep(0.3)
            quick = [asyncio.create_task(client.get("/peer", params={"wait": 0.2})) for _ in range(SHARD_SIZE)]
            await asyncio.sleep(0.05)
            started = asyncio.get_running_loop().time()
            waiting = await client.get("/peer")
            assert waiting.status_code == 200
            assert asyncio.get_running_loop().time() - started < 1.5  # a quick call's connection, not a slow one's
            await asyncio.gather(*quick, *slow)
            assert transport.busy == 0


async def test_a_call_that_finds_no_free_connection_in_time_fails_unsent():
    with serve(Starlette(routes=[Route("/peer", _peer)])) as url:
        transport = ShardedTransport(max_connections=SHARD_SIZE, keepalive_expiry=30)
        timeout = httpx.Timeout(5.0, pool=0.3)
        async with httpx.AsyncClient(base_url=url, transport=transport, timeout=timeout) as client:
            held = [asyncio.create_task(client.get("/peer", params={"wait": 1.5})) for _ in range(SHARD_SIZE)]
            await asyncio.sleep(0.2)
            with pytest.raises(httpx.PoolTimeout):  # the provider client retries this: nothing was sent
                await client.get("/peer")
            await asyncio.gather(*held)
            assert transport.busy == 0


def test_the_environment_names_the_proxy_unless_no_proxy_excludes_the_host(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "sandbox.internal")
    assert environment_proxy("https://partners-api.airalo.com/v2") == "http://proxy.example:3128"
    assert environment_proxy("https://sandbox.internal/v2") is None
    monkeypatch.delenv("HTTPS_PROXY")
    assert environment_proxy("https://partners-api.airalo.com/v2") is None
