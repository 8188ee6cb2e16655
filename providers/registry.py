"""Which providers are enabled and how to reach them.

A provider with credentials uses its configured base URL. Without credentials, production refuses
to start (naming the missing variables); elsewhere the provider points at its simulator with the
simulators' sandbox credentials. The client code is the same either way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping

from providers.airalo import AiraloProvider
from providers.base import Provider
from providers.esim_access import EsimAccessProvider
from providers.esim_go import EsimGoProvider
from providers.sandbox import credentials as sandbox
from services.core.settings import Settings

logger = logging.getLogger(__name__)

# Provider id -> the settings fields holding its credentials.
CREDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {
    "airalo": ("airalo_api_key", "airalo_api_secret"),
    "esim_access": ("esim_access_client_id", "esim_access_client_secret"),
    "esim_go": ("esim_go_api_key",),
}


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


def _missing(settings: Settings, provider_id: str) -> list[str]:
    return [name.upper() for name in CREDENTIAL_FIELDS[provider_id] if not getattr(settings, name)]


def build_registry(settings: Settings, *, sandbox_urls: Mapping[str, str] | None = None) -> ProviderRegistry:
    """Clients for `settings.esim_providers`.

    Raises `RuntimeError` in production when a provider lacks credentials, and outside production
    when it lacks both credentials and a simulator URL in `sandbox_urls`.
    """
    providers: dict[str, Provider] = {}
    timeout = settings.provider_timeout_seconds
    for provider_id in settings.esim_providers:
        missing = _missing(settings, provider_id)
        if not missing:
            providers[provider_id] = _real(settings, provider_id)
            continue
        if settings.is_production:
            raise RuntimeError(f"provider {provider_id} is enabled but {', '.join(missing)} is not set")
        url = (sandbox_urls or {}).get(provider_id)
        if url is None:
            raise RuntimeError(
                f"provider {provider_id} has no credentials ({', '.join(missing)}) and no simulator URL"
            )
        logger.info("provider %s uses its simulator at %s", provider_id, url)
        providers[provider_id] = _simulated(provider_id, url, timeout)
    return ProviderRegistry(providers)


def _real(settings: Settings, provider_id: str) -> Provider:
    timeout = settings.provider_timeout_seconds
    if provider_id == "airalo":
        return AiraloProvider(
            client_id=settings.airalo_api_key,
            client_secret=settings.airalo_api_secret,
            base_url=settings.airalo_base_url,
            timeout=timeout,
        )
    if provider_id == "esim_access":
        return EsimAccessProvider(
            access_code=settings.esim_access_client_id,
            secret_key=settings.esim_access_client_secret,
            base_url=settings.esim_access_base_url,
            timeout=timeout,
        )
    return EsimGoProvider(
        api_key=settings.esim_go_api_key, base_url=settings.esim_go_base_url, timeout=timeout
    )


def _simulated(provider_id: str, url: str, timeout: float) -> Provider:
    if provider_id == "airalo":
        return AiraloProvider(
            client_id=sandbox.AIRALO_CLIENT_ID,
            client_secret=sandbox.AIRALO_CLIENT_SECRET,
            base_url=url,
            timeout=timeout,
        )
    if provider_id == "esim_access":
        return EsimAccessProvider(
            access_code=sandbox.ESIM_ACCESS_CODE,
            secret_key=sandbox.ESIM_ACCESS_SECRET,
            base_url=url,
            timeout=timeout,
        )
    return EsimGoProvider(api_key=sandbox.ESIM_GO_API_KEY, base_url=url, timeout=timeout)
