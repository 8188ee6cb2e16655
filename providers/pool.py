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

from collections.abc import AsyncIterator

import httpx

SHARD_SIZE = 5


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
    warm connections serve a light load), or to the least busy one when all are busy (it waits there)."""

    def __init__(self, *, max_connections: int, keepalive_expiry: float) -> None:
        context = httpx.create_ssl_context()  # one for all the pools: each takes ~0.1 s to build
        shards = -(-max_connections // SHARD_SIZE)
        self._size = -(-max_connections // shards)
        limits = httpx.Limits(max_connections=self._size, max_keepalive_connections=self._size,
                              keepalive_expiry=keepalive_expiry)
        self._pools = [httpx.AsyncHTTPTransport(verify=context, limits=limits) for _ in range(shards)]
        self._busy = [0] * shards

    def _pick(self) -> int:
        for shard, busy in enumerate(self._busy):
            if busy < self._size:
                return shard
        return min(range(len(self._busy)), key=self._busy.__getitem__)

    @property
    def busy(self) -> int:
        """Calls holding a connection now (sent, their response not yet read)."""
        return sum(self._busy)

    def release(self, shard: int) -> None:
        self._busy[shard] -= 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        shard = self._pick()
        self._busy[shard] += 1
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
