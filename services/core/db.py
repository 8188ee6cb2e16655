"""Database engine and sessions: PostgreSQL through psycopg 3, everywhere.

`DATABASE_URL` names the server in production. When it is unset an embedded PostgreSQL from
the `pgserver` package is started with its data under `DATA_DIR` (default `.data/`), so
development and tests run on the same dialect as production. Nothing connects at import time.
Starting it is serialised in the process: a job's thread asking for the engine while the web
start-up is still bringing the server up (after an unclean stop, say) waits for it, rather than
getting pgserver's half-made handle (its `get_postmaster_info` assertion).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import pathlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from services.core.settings import get_settings

log = logging.getLogger(__name__)

_STARTING = threading.Lock()  # pgserver registers a server's handle before the server is up
_ENGINE_LOCK = threading.Lock()


def embedded_database_url(data_dir: str | pathlib.Path) -> str:
    """Start (or reuse) the embedded PostgreSQL under `data_dir` and return its URL."""
    import pgserver  # heavy import, only when no server is configured

    path = pathlib.Path(data_dir).resolve() / "pg"
    with _STARTING:
        path.parent.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(path, cleanup_mode=None)  # keeps running for the next start
        return server.get_uri("postgres")


def psycopg_url(url: str) -> str:
    """Use the psycopg 3 driver whatever scheme the URL was written with."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def database_url() -> str:
    settings = get_settings()
    return psycopg_url(settings.database_url or embedded_database_url(settings.data_dir))


def engine_open() -> bool:
    """Whether this process has created its engine (talks to the database already)."""
    return bool(_engine.cache_info().currsize)


def get_engine() -> sa.Engine:
    """The process-wide engine, created on first use (once, whichever threads ask at the same time)."""
    if engine_open():
        return _engine()
    with _ENGINE_LOCK:
        return _engine()


# A pooled connection back from the pool is pinged first only when it has been idle this long: one used
# a moment ago is alive, and a ping on every checkout was a fifth of the round trips of a short request
# (an eSIM assignment: ping, BEGIN, the statement, COMMIT). A server restarted within this window fails
# the first request that meets it, and that failure invalidates the whole pool.
PING_AFTER_IDLE_SECONDS = 5.0


@functools.cache
def _engine() -> sa.Engine:
    """`hide_parameters` keeps bound values (sign-in code hashes, activation strings, emails) out of
    the engine's log lines and out of the text of its exceptions, which end up in logs and tracebacks."""
    engine = sa.create_engine(database_url(), pool_size=get_settings().db_pool_size, max_overflow=20,
                              hide_parameters=True)

    def idle_from_now(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def ping_when_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info["idle_since"] < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:  # the pool replaces it with a new connection
            raise sa.exc.DisconnectionError("a pooled connection no longer answers") from exc

    for event in ("connect", "checkin"):
        sa.event.listen(engine, event, idle_from_now)
    sa.event.listen(engine, "checkout", ping_when_idle)
    return engine


def reset_engine() -> None:
    """Dispose the engine (after a fork, or when tests switch databases)."""
    with _ENGINE_LOCK:
        if engine_open():
            _engine().dispose()
        _engine.cache_clear()


@contextlib.contextmanager
def session() -> Iterator[Session]:
    """A session whose objects stay readable after commit; the caller commits."""
    with Session(get_engine(), expire_on_commit=False) as s:
        yield s


def ping() -> bool:
    """True when the database answers `SELECT 1`."""
    try:
        with get_engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        log.warning("database ping failed", exc_info=False)
        return False
