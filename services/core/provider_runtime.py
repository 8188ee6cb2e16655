"""The provider registry of a long-running process (the web app or a job runner).

In sandbox mode (no credentials, not production) the web app serves the three simulators itself
under `/_sandbox/providers/<id>`, so every process that reaches the app shares one simulated
world (orders placed by the app are found by the jobs). With several web workers each would serve its
own world, so they run as one process of their own instead (`esim simulators`, `SIMULATORS_URL`).
The client code path is the real one.
"""

from __future__ import annotations

import asyncio
import functools

from providers.registry import ProviderRegistry, build_registry
from services.core.settings import Settings, get_settings

SANDBOX_PREFIX = "/_sandbox/providers"


def sandbox_urls(settings: Settings) -> dict[str, str]:
    """Each simulated provider's address: the simulators' own process (`SIMULATORS_URL`, serving the same
    paths) when set, else the web app that serves them itself."""
    origin = settings.simulators_url.rstrip("/") or f"http://127.0.0.1:{settings.app_port}"
    base = f"{origin}{SANDBOX_PREFIX}"
    return {provider_id: f"{base}/{provider_id}" for provider_id in settings.esim_providers}


@functools.cache
def get_registry() -> ProviderRegistry:
    """This process's registry, built on first use (inside the event loop that will use it)."""
    settings = get_settings()
    return build_registry(settings, sandbox_urls=None if settings.is_production else sandbox_urls(settings))


def check_registry(settings: Settings) -> str | None:
    """Build (and close) the registry once at start-up, so a bad provider configuration stops the
    start instead of a paid order; the problem in one line, or None."""
    try:
        registry = build_registry(settings, sandbox_urls=None if settings.is_production else sandbox_urls(settings))
    except (RuntimeError, ValueError, TypeError) as exc:
        return f"providers: {exc}"
    asyncio.run(registry.aclose())
    return None
