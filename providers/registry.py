"""Which providers are enabled and how to reach them.

A provider with credentials uses its configured base URL. Without credentials, production refuses
to start (naming the missing variables); elsewhere the provider points at its simulator with the
simulators' sandbox credentials. The client code is the same either way.
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
from collections.abc import Iterator, Mapping

from providers.base import Provider
from providers.spec import ProviderSpec
from providers.specs import spec_for
from services.core.settings import Settings

logger = logging.getLogger(__name__)


class ProviderRegistry:
    """The enabled providers, by id, in configuration order."""

    def __init__(self, providers: Mapping[str, Provider]) -> None:
        self._providers = dict(providers)

    def get(self, provider_id: str) -> Provider:
        try:
            return self._providers[provider_id]
        except KeyError:
            raise KeyError(f"provider {provider_id!r} is not enabled") from None

    __getitem__ = get

    def __contains__(self, provider_id: object) -> bool:
        return provider_id in self._providers

    def __iter__(self) -> Iterator[Provider]:
        return iter(self._providers.values())

    def __len__(self) -> int:
        return len(self._providers)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._providers)

    async def aclose(self) -> None:
        for provider in self._providers.values():
            await provider.aclose()


def missing_credentials(settings: Settings, spec: ProviderSpec) -> list[str]:
    """The unset credential variables of a provider, upper-cased as in the environment."""
    return [c.setting.upper() for c in spec.credentials if not getattr(settings, c.setting)]


def simulated_providers(settings: Settings) -> list[str]:
    """Enabled providers without credentials (none in production, which refuses to start instead)."""
    if settings.is_production:
        return []
    return [p for p in settings.esim_providers if missing_credentials(settings, spec_for(p))]


def webhook_credentials(settings: Settings, spec: ProviderSpec) -> dict[str, str]:
    """The credentials a provider's callbacks are verified with; outside production an unset one
    falls back to the simulator's, since the simulator signs its callbacks with it."""
    values = {c.param: str(getattr(settings, c.setting)) for c in spec.credentials}
    if settings.is_production:
        return values
    sandbox = spec.sandbox_credentials()
    return {name: value or sandbox[name] for name, value in values.items()}


def webhook_token(settings: Settings, spec: ProviderSpec) -> str | None:
    """The secret a provider's callbacks carry in their path: `<ID>_WEBHOOK_TOKEN` when set; else, for
    a provider that needs one, a token generated for this process outside production (the simulators
    it serves are given it) and None in production (which refuses to start without it)."""
    configured = str(getattr(settings, spec.webhook_token_setting))
    if configured or not spec.webhook_token or settings.is_production:
        return configured or None
    return _sandbox_webhook_token(spec.id)


@functools.cache
def _sandbox_webhook_token(provider_id: str) -> str:
    return secrets.token_urlsafe(32)


def webhook_token_accepted(settings: Settings, spec: ProviderSpec, given: str | None) -> bool:
    """Whether a delivery's path token is the expected one (compared in constant time). A provider that
    needs a token and has none refuses everything; one without a token wants none in the path."""
    expected = webhook_token(settings, spec)
    if expected is None:
        return not spec.webhook_token and not given
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def build_registry(settings: Settings, *, sandbox_urls: Mapping[str, str] | None = None,
                   record_calls: bool = True) -> ProviderRegistry:
    """Clients for `settings.esim_providers`; with `record_calls`, each operation they run is a
    `provider_calls` row (`services.core.provider_calls`).

    Raises `RuntimeError` in production when a provider lacks credentials, and outside production
    when it lacks both credentials and a simulator URL in `sandbox_urls`.
    """
    registry = ProviderRegistry(_clients(settings, sandbox_urls))
    if record_calls:
        from services.core.provider_calls import record_calls  # the database side, loaded only when used

        for provider in registry:
            provider.call_observer = record_calls
    return registry


def _clients(settings: Settings, sandbox_urls: Mapping[str, str] | None) -> dict[str, Provider]:
    providers: dict[str, Provider] = {}
    timeout = settings.provider_timeout_seconds
    for provider_id in settings.esim_providers:
        spec = spec_for(provider_id)
        missing = missing_credentials(settings, spec)
        if not missing:
            credentials = {c.param: getattr(settings, c.setting) for c in spec.credentials}
            base_url = getattr(settings, spec.base_url_setting)
            providers[provider_id] = spec.client(**credentials, base_url=base_url, timeout=timeout,
                                                 shared_rates_url=settings.redis_url)
            continue
        if settings.is_production:
            raise RuntimeError(f"provider {provider_id} is enabled but {', '.join(missing)} is not set")
        url = (sandbox_urls or {}).get(provider_id)
        if url is None:
            raise RuntimeError(
                f"provider {provider_id} has no credentials ({', '.join(missing)}) and no simulator URL"
            )
        logger.info("provider %s uses its simulator at %s", provider_id, url)
        providers[provider_id] = spec.client(**spec.sandbox_credentials(), base_url=url, timeout=timeout,
                                             shared_rates_url=settings.redis_url)
    return providers
