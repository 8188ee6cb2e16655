"""The analytics tests change whole tables (every order counts), so they get a database of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import own_database


@pytest.fixture(scope="package", autouse=True)
def analytics_db(database_url: str) -> Iterator[str]:
    with own_database("esim_analytics", restore=database_url) as url:
        yield url
