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
from collections.abc import Iterator

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


@functools.cache
def _engine() -> sa.Engine:
    """`hide_parameters` keeps bound values (sign-in code hashes, activation strings, emails) out of
    the engine's log lines and out of the text of its exceptions, which end up in logs and tracebacks."""
    return sa.create_engine(database_url(), pool_pre_ping=True, pool_size=get_settings().db_pool_size,
                            max_overflow=20, hide_parameters=True)


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
