"""Cache coherence: a change published by one process clears every listening process's catalogue cache."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from services.core import cache, cache_sync

pytestmark = pytest.mark.usefixtures("database_url")


@pytest.fixture
def listener(database_url: str):
    cleared = threading.Event()

    def on_notify() -> None:
        cache.forget_local()
        cleared.set()

    running = cache_sync.CacheListener(database_url, on_notify).start()
    assert running.wait_listening(10), "the listener never issued LISTEN"
    cleared.clear()
    yield cleared
    running.stop()


def test_a_change_in_another_process_clears_this_process_cache(listener: threading.Event, database_url: str) -> None:
    assert cache.cached(("coherence", 1), lambda: "old price") == "old price"
    script = ("from services.core import db, cache; db.get_engine().connect().close(); "
              "cache.invalidate_catalog_cache()")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60,
                   env={**os.environ, "DATABASE_URL": database_url})
    assert listener.wait(10), "no notification reached the listener"
    assert cache.cached(("coherence", 1), lambda: "new price") == "new price"
