"""Database round trips, counted on the wire: a TCP proxy in front of PostgreSQL.

Every message a client sends after start-up is typed; a round trip ends at each `Sync` ('S', the
extended protocol psycopg uses for statements with parameters) and each simple `Query` ('Q': BEGIN,
COMMIT, ROLLBACK, pool pings). Counting those counts what the network sees, whatever SQLAlchemy or
the driver sends implicitly. Connect with `sslmode=disable`, so the proxy can read the messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import threading
from collections.abc import Iterator

from sqlalchemy.engine import make_url

ROUND_TRIP_ENDS = frozenset(b"QS")


class RoundTripProxy:
    """Forwards 127.0.0.1:<port> to the server of `url`, counting client round trips."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self._target = (parsed.host or "127.0.0.1", parsed.port or 5432)
        self._url = parsed
        self.round_trips = 0
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self.port = 0

    @property
    def url(self) -> str:
        """`url`, through the proxy."""
        proxied = self._url.set(host="127.0.0.1", port=self.port, query={**self._url.query, "sslmode": "disable"})
        return proxied.render_as_string(hide_password=False)

    def reset(self) -> int:
        """The count so far, and start again from zero."""
        with self._lock:
            counted, self.round_trips = self.round_trips, 0
        return counted

    async def _client_to_server(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        startup = await reader.readexactly(4)  # the start-up packet has a length and no type byte
        writer.write(startup + await reader.readexactly(struct.unpack("!I", startup)[0] - 4))
        while header := await reader.read(5):
            header += await reader.readexactly(5 - len(header)) if len(header) < 5 else b""
            body = await reader.readexactly(struct.unpack("!I", header[1:])[0] - 4)
            if header[0] in ROUND_TRIP_ENDS:
                with self._lock:
                    self.round_trips += 1
            writer.write(header + body)
            await writer.drain()
        writer.close()

    @staticmethod
    async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
        writer.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(*self._target)
        with contextlib.suppress(Exception, asyncio.CancelledError):  # a closed or cancelled connection ends here
            await asyncio.gather(self._client_to_server(client_r, server_w), self._copy(server_r, client_w))

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    @contextlib.contextmanager
    def running(self) -> Iterator[RoundTripProxy]:
        threading.Thread(target=self._serve, daemon=True).start()
        self._ready.wait(5)
        try:
            yield self
        finally:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(5)

    async def _shutdown(self) -> None:
        """Close the connections still open (the engine's pool), then stop the loop."""
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loop.call_soon(self._loop.stop)
