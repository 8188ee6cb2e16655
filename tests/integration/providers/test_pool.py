"""The provider clients' connection pool (providers.pool) against a real local HTTP server."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from providers.pool import SHARD_SIZE, ShardedTransport
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
