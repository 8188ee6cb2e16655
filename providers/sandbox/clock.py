"""An injectable clock for the simulators, so usage and expiry are deterministic in tests."""

from __future__ import annotations

import datetime as dt
import threading


class Clock:
    """Real UTC time plus an offset, or a frozen start time when `start` is given; `advance` moves it."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._start = start
        self._offset = dt.timedelta()
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        base = self._start if self._start is not None else dt.datetime.now(dt.UTC)
        with self._lock:
            return base + self._offset

    def advance(self, seconds: float = 0.0, *, hours: float = 0.0, days: float = 0.0) -> None:
        with self._lock:
            self._offset += dt.timedelta(seconds=seconds, hours=hours, days=days)
