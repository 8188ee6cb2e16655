"""Fixtures shared by the security tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import pytest_asyncio

from providers.registry import build_registry
from providers.sandbox.server import Sandbox, run_simulators
from services.admin import provider_checks
from services.admin.faces import catalog as catalog_face
from services.core import get_settings
from services.core.settings import Settings
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


@pytest.fixture(scope="package")
def simulators() -> Iterator[Sandbox]:
    with run_simulators() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="function")
async def providers_answer(simulators: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """The admin face's provider calls (the providers page's balances) reach the simulators, with a registry
    built in this test's event loop. Without it they went to the app's port, where nothing answers, on the
    process's registry: once Airalo's 3 sign-ins a minute were spent, each further one waited 20 s (25 s of
    the owner's switch-a-provider-off control). The balances are read once first, as a visit to the page
    before the test would: the first reading notes them in the settings, which the role checks compare."""
    registry = build_registry(Settings(esim_env="development", provider_timeout_seconds=2),
                              sandbox_urls=simulators.urls, record_calls=False)
    assert await provider_checks.check_balances(registry) == len(registry.ids)
    monkeypatch.setattr(catalog_face, "get_registry", lambda: registry)
