"""Fixtures shared by the security tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.core import get_settings
from tests.integration.security.world import World, build_world


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set variables with `env.setenv(...)` before building the app; settings are reloaded afterwards."""
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture(scope="package")
def world(database_url: str) -> World:
    """The handler inventory's world, built once for the handler, controls and business API sections."""
    return build_world()
