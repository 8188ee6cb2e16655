"""Which client each configuration produces."""

import pytest

from providers.airalo import AiraloProvider
from providers.registry import build_registry, webhook_token, webhook_token_accepted
from providers.specs import spec_for
from services.core.settings import Settings, get_settings, load_for_serving, webhook_token_problems

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
    "airalo_webhook_token": "",
    "esim_access_webhook_token": "",
    "esim_go_webhook_token": "",
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


TOKEN = "t" * 32


def test_a_provider_that_may_not_sign_needs_its_path_token_compared_exactly():
    spec = spec_for("esim_access")
    production = _settings(esim_env="production", esim_access_webhook_token=TOKEN)
    assert webhook_token_accepted(production, spec, TOKEN)
    for given in (None, "", TOKEN[:-1], TOKEN + "x", TOKEN.upper()):
        assert not webhook_token_accepted(production, spec, given)


def test_production_without_the_token_refuses_every_delivery_and_names_the_variable():
    settings = _settings(esim_env="production")
    assert webhook_token(settings, spec_for("esim_access")) is None
    assert not webhook_token_accepted(settings, spec_for("esim_access"), None)
    assert not webhook_token_accepted(settings, spec_for("esim_access"), "")
    [problem] = webhook_token_problems(settings)
    assert problem.startswith("ESIM_ACCESS_WEBHOOK_TOKEN: required in production")
    assert webhook_token_problems(_settings(esim_env="production", esim_access_webhook_token="short")) == [problem]
    assert webhook_token_problems(_settings(esim_env="production", esim_access_webhook_token=TOKEN)) == []
    assert webhook_token_problems(_settings(esim_env="production", esim_providers="airalo,esim_go")) == []


def test_the_sandbox_generates_a_secret_token_per_process():
    settings, spec = _settings(esim_env="development"), spec_for("esim_access")
    generated = webhook_token(settings, spec)
    assert generated and len(generated) >= 32 and webhook_token(settings, spec) == generated
    assert webhook_token_accepted(settings, spec, generated) and not webhook_token_accepted(settings, spec, None)


def test_signing_providers_take_no_token_unless_one_is_configured():
    airalo = spec_for("airalo")
    assert webhook_token_accepted(_settings(esim_env="production"), airalo, None)
    assert not webhook_token_accepted(_settings(esim_env="production"), airalo, "anything")
    configured = _settings(esim_env="production", airalo_webhook_token=TOKEN)
    assert webhook_token_accepted(configured, airalo, TOKEN) and not webhook_token_accepted(configured, airalo, None)


def test_a_production_start_without_the_token_exits_naming_it(monkeypatch, capsys):
    monkeypatch.setenv("ESIM_ENV", "production")
    monkeypatch.setenv("ESIM_PROVIDERS", "esim_access")
    monkeypatch.delenv("ESIM_ACCESS_WEBHOOK_TOKEN", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit):
            load_for_serving()
    finally:
        get_settings.cache_clear()
    assert "ESIM_ACCESS_WEBHOOK_TOKEN" in capsys.readouterr().err
