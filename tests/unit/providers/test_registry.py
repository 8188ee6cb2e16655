"""Which client each configuration produces."""

import pytest

from providers.airalo import AiraloProvider
from providers.registry import build_registry
from services.core.settings import Settings

SANDBOX = {
    "airalo": "http://127.0.0.1:1",
    "esim_access": "http://127.0.0.1:2",
    "esim_go": "http://127.0.0.1:3",
}
NO_CREDENTIALS = {
    "airalo_api_key": "",
    "airalo_api_secret": "",
    "esim_access_client_id": "",
    "esim_access_client_secret": "",
    "esim_go_api_key": "",
}


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **{**NO_CREDENTIALS, **values})


def test_production_without_credentials_refuses_and_names_the_variables():
    with pytest.raises(RuntimeError, match="AIRALO_API_KEY, AIRALO_API_SECRET"):
        build_registry(_settings(esim_env="production", esim_providers="airalo"), sandbox_urls=SANDBOX)


async def test_development_without_credentials_uses_the_simulators():
    registry = build_registry(_settings(esim_env="development"), sandbox_urls=SANDBOX)
    assert registry.ids == ("airalo", "esim_access", "esim_go") and len(registry) == 3
    assert isinstance(registry.get("airalo"), AiraloProvider) and "esim_go" in registry
    assert str(registry["esim_go"]._http._client.base_url).rstrip("/") == "http://127.0.0.1:3/v2.4"
    await registry.aclose()


def test_development_without_simulator_url_is_an_error():
    with pytest.raises(RuntimeError, match="ESIM_GO_API_KEY"):
        build_registry(_settings(esim_providers="esim_go"), sandbox_urls={})


async def test_credentials_use_the_configured_base_url():
    registry = build_registry(
        _settings(
            esim_env="production",
            esim_providers="esim_access",
            esim_access_client_id="code",
            esim_access_client_secret="secret",
        ),
    )
    assert [p.id for p in registry] == ["esim_access"]
    assert str(registry["esim_access"]._http._client.base_url).rstrip("/") == "https://api.esimaccess.com"
    with pytest.raises(KeyError):
        registry.get("airalo")
    await registry.aclose()
