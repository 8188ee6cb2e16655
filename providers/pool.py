"""A connection pool for many concurrent provider calls: httpx's pool, split into small pools.

httpcore's pool walks every connection it holds each time a request arrives or a response closes
(several times over when it looks for idle ones), and once it holds more connections than it may
keep alive it closes each connection as soon as its response is read (it compares the keep-alive
limit with all its connections, idle or not). A job worker with 100 orders in flight paid both: a
fifth of its CPU went to the walks, and nearly every request opened a new connection. Split into
pools of `SHARD_SIZE` connections, each kept alive, a walk covers at most `SHARD_SIZE` of them and a
connection serves request after request.
"""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import AsyncIterator

import httpx

SHARD_SIZE = 5


def environment_proxy(url: str) -> str | None:
    """The proxy the environment names for `url` (`HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY`, minus
    `NO_PROXY`): httpx reads these itself only for clients without a transport of their own, as ours
    are, and a deployment may reach providers only through its egress proxy."""
    target = httpx.URL(url)
    if urllib.request.proxy_bypass(target.host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(target.scheme) or proxies.get("all")


class _Release(httpx.AsyncByteStream):
    """A response body that gives its pool's slot back when closed (once)."""

    def __init__(self, stream: httpx.AsyncByteStream, pool: ShardedTransport, shard: int) -> None:
        self._stream, self._pool, self._shard = stream, pool, shard

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        if self._shard >= 0:
            self._pool.release(self._shard)
            self._shard = -1
        await self._stream.aclose()


class ShardedTransport(httpx.AsyncBaseTransport):
    """Up to `max_connections` connections in pools of `SHARD_SIZE`, every one kept alive for
    `keepalive_expiry` seconds. A request goes to the first pool with a free connection (so the same
    warm connections serve a light load). When all are busy it waits for the first connection given
    back in any pool (never behind one busy pool while another frees up), up to the request's pool
    timeout, then fails with `httpx.PoolTimeout`: nothing was sent."""

    def __init__(self, *, max_connections: int, keepalive_expiry: float, proxy: str | None = None) -> None:
        context = httpx.create_ssl_context()  # one for all the pools: each takes ~0.1 s to build
        shards = -(-max_connections // SHARD_SIZE)
        self._size = -(-max_connections // shards)
        limits = httpx.Limits(max_connections=self._size, max_keepalive_connections=self._size,
                              keepalive_expiry=keepalive_expiry)
        self._pools = [httpx.AsyncHTTPTransport(verify=context, limits=limits, proxy=proxy) for _ in range(shards)]
        self._busy = [0] * shards
        self._free = asyncio.Semaphore(shards * self._size)  # connections not held by a call

    async def _take(self, request: httpx.Request) -> int:
        """A pool with a free connection, its slot taken; waits for one when every slot is held."""
        try:
            async with asyncio.timeout(request.extensions.get("timeout", {}).get("pool")):
                await self._free.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("no connection came free in time", request=request) from None
        shard = next(shard for shard, busy in enumerate(self._busy) if busy < self._size)
        self._busy[shard] += 1
        return shard

    @property
    def busy(self) -> int:
        """Calls holding a connection now (sent, their response not yet read)."""
        return sum(self._busy)

    def release(self, shard: int) -> None:
        self._busy[shard] -= 1
        self._free.release()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        shard = await self._take(request)
        try:
            response = await self._pools[shard].handle_async_request(request)
        except BaseException:
            self.release(shard)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Release(response.stream, self, shard)
        return response

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()
