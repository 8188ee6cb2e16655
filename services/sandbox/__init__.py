"""Sandbox tooling's face for the web app: the provider simulators it serves itself outside production.

No business domain imports this package (an import contract checks it); only the app's wiring does.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from providers.registry import webhook_token
from providers.sandbox.server import APP_FACTORIES
from providers.specs import spec_for
from services.core.provider_runtime import SANDBOX_PREFIX
from services.core.settings import Settings
from services.sandbox.guard import SandboxGuard


def simulator_mounts(settings: Settings, *, own_process: bool = False) -> list[tuple[str, ASGIApp]]:
    """(path prefix, app) for each simulated provider (none in production, none for a provider with
    credentials), calling the app's own webhook route back (with the provider's path token where it needs
    one) and no other address. None in the web app when they run as their own process (`SIMULATORS_URL`):
    `own_process` is that process (`esim simulators`)."""
    if settings.simulators_url and not own_process:
        return []
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


class _AtRoot:
    """Serve a mounted app as if it ran alone: it sees paths without the mount prefix."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"].removeprefix(self.prefix) or "/"
        await self.app({**scope, "path": path, "raw_path": path.encode(), "root_path": ""}, receive, send)


def simulator_routes(settings: Settings, *, own_process: bool = False) -> list[BaseRoute]:
    """`simulator_mounts` as Starlette routes under `/_sandbox/providers/<id>`."""
    return [Mount(prefix, app=_AtRoot(app, prefix))
            for prefix, app in simulator_mounts(settings, own_process=own_process)]


__all__ = ["SandboxGuard", "simulator_mounts", "simulator_routes"]
