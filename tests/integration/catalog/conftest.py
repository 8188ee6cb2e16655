"""Catalogue integration fixtures: the three simulators over HTTP and a database of our own.

The catalogue marks packages vanished and recomputes best prices across the whole table, so these
tests get a fresh migrated database instead of sharing the session's with other suites.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from providers.registry import ProviderRegistry, build_registry
from providers.sandbox.server import Sandbox, run_simulators
from services.catalog.sync import SyncReport, run_sync_packages
from services.core import db
from services.core.settings import Settings
from tests.conftest import own_database


@pytest.fixture(scope="package")
def catalog_db(database_url: str) -> Iterator[str]:
    with own_database("esim_catalog", restore=database_url) as url:
        yield url


@pytest.fixture(scope="package")
def sandbox() -> Iterator[Sandbox]:
    with run_simulators() as running:
        yield running


@pytest.fixture
def registry_for(sandbox: Sandbox) -> Callable[..., ProviderRegistry]:
    def build(**url_overrides: str) -> ProviderRegistry:
        return build_registry(Settings(esim_env="development"), sandbox_urls={**sandbox.urls, **url_overrides})

    return build


@pytest.fixture
def sync(registry_for: Callable[..., ProviderRegistry]) -> Callable[..., SyncReport]:
    def run(**url_overrides: str) -> SyncReport:
        return run_sync_packages(registry_for(**url_overrides))

    return run


@pytest.fixture(scope="package")
def first_sync(catalog_db: str, sandbox: Sandbox) -> SyncReport:
    """The catalogue as the first sync leaves it; tests that change it restore it."""
    registry = build_registry(Settings(esim_env="development"), sandbox_urls=sandbox.urls)
    return run_sync_packages(registry)


def query(sql: str, **params: object) -> list[sa.Row]:
    with db.get_engine().connect() as conn:
        return list(conn.execute(sa.text(sql), params))
