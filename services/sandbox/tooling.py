"""Stand-ins for outside services when the store runs without accounts (never in production).

- Provider simulators for one-off commands (a catalogue sync before the app is up); the running
  app serves its own (see services/core/provider_runtime.py). Same deterministic catalogue either way.
- localstripe for payments, started once and reused, with our webhook registered.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx

from providers.registry import ProviderRegistry, build_registry, simulated_providers
from providers.sandbox.server import run_simulators
from services.core.settings import Settings
from services.sandbox import localstripe as localstripe_server

STRIPE_PORT = 8420
STRIPE_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_sandbox",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_sandbox",
    "STRIPE_WEBHOOK_SECRET": "whsec_sandbox",
}


@contextlib.contextmanager
def command_registry(settings: Settings) -> Iterator[ProviderRegistry]:
    """A registry for a one-off command, with in-process simulators for providers without credentials."""
    simulated = simulated_providers(settings)
    with run_simulators(simulated) if simulated else contextlib.nullcontext() as sandbox:
        yield build_registry(settings, sandbox_urls=sandbox.urls if sandbox else None)


def stripe_env(settings: Settings, *, port: int = STRIPE_PORT, state_file: str | None = None) -> dict[str, str]:
    """Environment for a sandbox app paying against localstripe on `port` (started unless it answers)."""
    base_url = f"http://127.0.0.1:{port}"
    webhook = f"http://127.0.0.1:{settings.app_port}/api/stripe/webhook"
    with contextlib.suppress(httpx.HTTPError):
        if httpx.get(f"{base_url}/js.stripe.com/v3/", timeout=1).status_code == 200:
            localstripe_server.register_webhook(base_url, url=webhook, secret=STRIPE_KEYS["STRIPE_WEBHOOK_SECRET"])
            return {**STRIPE_KEYS, "STRIPE_API_BASE": base_url}
    localstripe_server.start(port, webhook_url=webhook, webhook_secret=STRIPE_KEYS["STRIPE_WEBHOOK_SECRET"],
                             state_file=state_file)
    return {**STRIPE_KEYS, "STRIPE_API_BASE": base_url}
