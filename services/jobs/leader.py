"""One scheduler at a time: leadership is a PostgreSQL session advisory lock.

Every scheduler process (`esim jobs`, or a web worker with SCHEDULER=inline) runs the schedule,
but only the one holding the lock starts runs; the others skip theirs. The lock lives as long as
the leader's connection, so when the leader dies (even by SIGKILL) PostgreSQL releases it as the
connection closes, and a follower takes it at its next attempt (every `RETRY_SECONDS`).
The work itself stays claimable by every process: jobs claim rows, so a run cut short by a
change of leader is finished by the next one.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

LOCK_KEY = 0x65_53_49_4D_4A_4F_42  # "eSIMJOB": one cluster-wide key for the scheduler
RETRY_SECONDS = 15.0  # a follower's attempts; a dead leader is replaced within this (plus the TCP close)


class Leadership:
    """A daemon thread that takes and keeps the scheduler lock; `held` says whether this process leads."""

    def __init__(self, url: str, *, retry_seconds: float = RETRY_SECONDS) -> None:
        self._url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._retry = retry_seconds
        self._held = threading.Event()
        self._tried = threading.Event()  # the first attempt is over, won or lost
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scheduler-leadership", daemon=True)

    @property
    def held(self) -> bool:
        return self._held.is_set()

    def start(self, first_attempt_timeout: float = 5.0) -> Leadership:
        """Start seeking the lock; returns once the first attempt is over (so runs due at once are not skipped)."""
        self._thread.start()
        self._tried.wait(first_attempt_timeout)
        return self

    def wait_held(self, timeout: float) -> bool:
        return self._held.wait(timeout)

    def stop(self) -> None:
        """Give the lock up (closing the connection releases it) and end the thread."""
        self._stop.set()
        self._thread.join(timeout=self._retry + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._lead_while_possible()
            except psycopg.Error:
                log.warning("scheduler leadership: database connection lost", exc_info=False)
            self._tried.set()
            if self._held.is_set():
                log.warning("scheduler leadership lost")
                self._held.clear()
            self._stop.wait(self._retry)

    def _lead_while_possible(self) -> None:
        with psycopg.connect(self._url, autocommit=True, connect_timeout=5) as conn:
            while not self._stop.is_set():
                if not self._held.is_set():
                    won = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]
                    if not won:
                        self._tried.set()
                        self._stop.wait(self._retry)
                        continue
                    log.info("scheduler leadership taken: this process starts the job runs")
                    self._held.set()
                    self._tried.set()
                conn.execute("SELECT 1")  # a dead connection means the lock is gone too
                self._stop.wait(min(self._retry, 5.0))
