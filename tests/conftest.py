"""Fixtures shared by the integration and end-to-end layers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from services.core import db, migrations
from services.core.cache import invalidate_catalog_cache
from services.core.settings import get_settings
from tests.support.database import fresh_database


def use_database(url: str) -> None:
    """Point settings and the engine at `url` for this process."""
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    db.reset_engine()


_TEMPLATE: list[str] = []  # the name of the session's migrated template database, while it exists


@pytest.fixture(scope="session")
def migrated_template() -> Iterator[str]:
    """A database migrated to head once per session, which each migrated database of the session is
    copied from (never used itself: a template must have no connection when it is copied)."""
    previous = os.environ.get("DATABASE_URL")
    with fresh_database("esim_template") as url:
        use_database(url)
        migrations.upgrade()
        db.reset_engine()
        _TEMPLATE[:] = [make_url(url).database]
        yield _TEMPLATE[0]
        _TEMPLATE.clear()
    _restore_database_url(previous)


@pytest.fixture(scope="session")
def database_url(migrated_template: str) -> Iterator[str]:
    """An isolated, migrated PostgreSQL database for this test session."""
    previous = os.environ.get("DATABASE_URL")
    with fresh_database(template=migrated_template) as url:
        use_database(url)
        yield url
        db.reset_engine()
    _restore_database_url(previous)


def _restore_database_url(previous: str | None) -> None:
    """Point `DATABASE_URL` back at what it was before a session fixture changed it."""
    if previous is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = previous
    get_settings.cache_clear()


@contextlib.contextmanager
def own_database(prefix: str, *, restore: str) -> Iterator[str]:
    """A fresh migrated database for a test package whose tests change whole tables (the catalogue,
    every order); the session's database (`restore`) is used again afterwards."""
    with fresh_database(prefix, template=_TEMPLATE[0]) as url:
        use_database(url)
        yield url
        db.reset_engine()
    use_database(restore)
    invalidate_catalog_cache()
