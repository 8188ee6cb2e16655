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
from services.sandbox.guard import SandboxGuard


def simulator_mounts(settings: Settings) -> list[tuple[str, ASGIApp]]:
    """(path prefix, app) for each simulated provider (none in production, none for a provider with
    credentials), calling the app's own webhook route back (with the provider's path token where it needs
    one) and no other address."""
    mounts: list[tuple[str, ASGIApp]] = []
    for provider_id in settings.simulated_providers:
        simulator = APP_FACTORIES[provider_id]()
        token = webhook_token(settings, spec_for(provider_id))
        route = f"http://127.0.0.1:{settings.app_port}/api/providers/{provider_id}/webhook"
        own_webhook = f"{route}/{token}" if token else route
        simulator.state.sim.webhooks.url = own_webhook
        simulator.state.sim.webhook_targets = frozenset({own_webhook})
        mounts.append((f"{SANDBOX_PREFIX}/{provider_id}", simulator))
    return mounts


__all__ = ["SandboxGuard", "simulator_mounts"]
