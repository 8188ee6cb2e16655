"""Sandbox tooling's face for the web app: the provider simulators it serves itself outside production.

No business domain imports this package (an import contract checks it); only the app's wiring does.
"""

from __future__ import annotations

from starlette.types import ASGIApp

from providers.registry import webhook_token
from providers.sandbox.server import APP_FACTORIES
from providers.specs import spec_for
from services.core.provider_runtime import SANDBOX_PREFIX
from services.core.settings import Settings


def simulator_mounts(settings: Settings) -> list[tuple[str, ASGIApp]]:
    """(path prefix, app) for each provider simulator, calling the app's own webhook route back (with the
    provider's path token where it needs one)."""
    if settings.is_production:
        return []
    mounts: list[tuple[str, ASGIApp]] = []
    for provider_id, factory in APP_FACTORIES.items():
        simulator = factory()
        token = webhook_token(settings, spec_for(provider_id))
        url = f"http://127.0.0.1:{settings.app_port}/api/providers/{provider_id}/webhook"
        simulator.state.sim.webhooks.url = f"{url}/{token}" if token else url
        mounts.append((f"{SANDBOX_PREFIX}/{provider_id}", simulator))
    return mounts
