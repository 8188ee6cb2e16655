"""Throw-away PostgreSQL databases for tests.

The server is `TEST_DATABASE_URL` when set, else the local server on 127.0.0.1:5432 when it
answers, else an embedded PostgreSQL (pgserver) under `.data/test-pg`. Each test session gets
its own database, dropped at the end. The migrations run once per session, into a template database
that every migrated database of the session is copied from (`CREATE DATABASE ... TEMPLATE`: about a
second, where migrating from scratch took 2.5-8 s a database).
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Iterator

import psycopg
from sqlalchemy.engine import make_url

from services.core.db import embedded_database_url, psycopg_url

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def server_url() -> str:
    """An admin URL (database `postgres`) of the server tests should use."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        return url
    if _answers(LOCAL_SERVER):
        return LOCAL_SERVER
    return embedded_database_url(".data/test")


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def fresh_database(prefix: str = "esim_test", *, template: str | None = None) -> Iterator[str]:
    """Create a database (empty, or a copy of the database named `template`), yield its SQLAlchemy
    (psycopg) URL, drop it afterwards."""
    admin = _libpq(server_url())
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield psycopg_url(make_url(admin).set(database=name).render_as_string(hide_password=False))
    finally:
        # dropped on a thread of its own (1-2 s each) while the tests go on; Python waits for it at exit
        threading.Thread(target=_drop, args=(admin, name), name=f"drop {name}").start()


def _drop(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
