"""Catalogue cache coherence across processes, over PostgreSQL `LISTEN/NOTIFY`.

Every web worker keeps its own catalogue cache (`services.core.cache`). A process that changes
what the cache holds (a catalogue sync, a settings change, an override) clears its own cache and
publishes one notification on `CHANNEL`; every web worker runs a `CacheListener` thread that
clears its cache when one arrives, so no worker shows an old price for longer than the
notification takes (milliseconds; `bench/cache_coherence.py` measures it).

The listener fails safe: while its connection is down it clears the cache on every reconnect
attempt (a notification may have been missed), and the cache's TTL still bounds staleness.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from services.core import db

log = logging.getLogger(__name__)

CHANNEL = "catalog_cache"
RECONNECT_SECONDS = 2.0


def publish() -> None:
    """Tell every process to forget its cached catalogue reads (after the change has committed).

    Only a process that already talks to the database publishes (one that never opened the
    engine changed nothing there). A failure is logged, not raised: the change itself is
    committed and the other workers catch up within the cache's TTL.
    """
    if not db.engine_open():
        return
    try:
        with db.get_engine().connect() as conn:
            conn.execute(sa.text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
            conn.commit()
    except sa.exc.SQLAlchemyError:
        log.warning("could not publish a catalogue cache invalidation", exc_info=True)


class CacheListener:
    """A daemon thread that clears this process's catalogue cache on every notification."""

    def __init__(self, url: str, on_notify: Callable[[], None]) -> None:
        self._url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._on_notify = on_notify
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="catalog-cache-listener", daemon=True)

    def start(self) -> CacheListener:
        self._thread.start()
        return self

    def wait_listening(self, timeout: float) -> bool:
        """True once the listener's `LISTEN` is in place (tests and start-up use it)."""
        return self._listening.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=RECONNECT_SECONDS * 2)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except psycopg.Error:
                log.warning("catalogue cache listener lost its connection; reconnecting", exc_info=False)
            self._listening.clear()
            self._on_notify()  # a notification may have been missed while disconnected
            self._stop.wait(RECONNECT_SECONDS)

    def _listen(self) -> None:
        with psycopg.connect(self._url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self._listening.set()
            while not self._stop.is_set():
                for _ in conn.notifies(timeout=1.0):
                    self._on_notify()
