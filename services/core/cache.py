"""A small thread-safe TTL cache for the storefront's catalogue reads.

Values are immutable (tuples of frozen views), so callers share them safely. A catalogue sync, a
settings change or an override calls `invalidate_catalog_cache()`: this process forgets at once and
every other web worker when the notification reaches its listener (`services.core.cache_sync`);
the TTL bounds staleness should a notification be lost.

`read` is `cached` for the event loop: a hit costs no thread hop, a miss loads in a worker thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from services.core import cache_sync

T = TypeVar("T")
_MISSING = object()

TTL_SECONDS = 60.0
MAX_ENTRIES = 4096

_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, object]] = {}
_generation = 0  # counts forgets: a value loaded across one is not stored (it may predate the change)


def cached(key: Hashable, load: Callable[[], T], *, ttl: float = TTL_SECONDS) -> T:
    """The value under `key`, loading (outside the lock) when missing or older than `ttl` seconds."""
    now = time.monotonic()
    if (hit := _fresh(key, now)) is not _MISSING:
        return hit  # type: ignore[return-value]
    generation = _generation
    value = load()
    with _lock:
        if generation != _generation:  # invalidated while loading: the change may have come after the read
            return value
        if len(_entries) >= MAX_ENTRIES:
            _evict(now)
        _entries[key] = (now + ttl, value)
    return value


async def read(key: Hashable, load: Callable[[], T]) -> T:
    """`cached(key, load)` from async code: a fresh value at once, else `load` (which may query the
    database) in a worker thread. A storefront view is read on every page load, and handing even a
    cached read to a thread cost a web worker ~5 % of its CPU under load (bench/load.py)."""
    if (hit := _fresh(key, time.monotonic())) is not _MISSING:
        return hit  # type: ignore[return-value]
    return await asyncio.to_thread(cached, key, load)


def _fresh(key: Hashable, now: float) -> object:
    with _lock:
        hit = _entries.get(key)
    return hit[1] if hit is not None and hit[0] > now else _MISSING


def invalidate_catalog_cache() -> None:
    """Forget every cached read here and in every other process (after a sync, a settings change
    or an admin override has committed)."""
    forget_local()
    cache_sync.publish()


def forget_local() -> None:
    """Forget every cached read of this process (what a notification from another process asks)."""
    global _generation
    with _lock:
        _entries.clear()
        _generation += 1


def _evict(now: float) -> None:
    for key in [k for k, (expires, _) in _entries.items() if expires <= now]:
        del _entries[key]
    if len(_entries) >= MAX_ENTRIES:  # all fresh: drop the oldest half
        for key in sorted(_entries, key=lambda k: _entries[k][0])[: MAX_ENTRIES // 2]:
            del _entries[key]
