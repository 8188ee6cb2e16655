"""Configuration is validated at start-up with one clear line per bad variable."""

import subprocess
import sys

import pytest
from pydantic import ValidationError

from services.core.settings import Settings, _first_error


def _start_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from services.core.settings import load_or_exit; load_or_exit()"],
        env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, cwd=".",
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "mysql://localhost/shop"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"APP_PORT": "eighty"}, "APP_PORT"),
        ({"SMTP_PORT": "70000"}, "SMTP_PORT"),
        ({"ESIM_PROVIDERS": "airalo,teleport"}, "ESIM_PROVIDERS"),
        ({"ESIM_ENV": "staging"}, "ESIM_ENV"),
        ({"ENCRYPTION_KEYS": "not-a-key"}, "ENCRYPTION_KEYS"),
    ],
)
def test_bad_value_stops_start_up_naming_the_variable(env: dict[str, str], variable: str) -> None:
    result = _start_with(env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"configuration error: {variable}:")


def test_defaults_are_valid_and_enable_every_provider() -> None:
    settings = Settings(_env_file=None)
    assert settings.esim_providers == ("airalo", "esim_access", "esim_go")
    assert settings.app_port == 3000 and not settings.is_production


def test_provider_list_is_trimmed_and_checked() -> None:
    assert Settings(_env_file=None, esim_providers=" esim_go , airalo ").esim_providers == ("esim_go", "airalo")
    with pytest.raises(ValidationError) as info:
        Settings(_env_file=None, esim_providers="airalo,nope")
    assert "ESIM_PROVIDERS" in _first_error(info.value)


def test_postgres_urls_of_any_driver_are_accepted() -> None:
    for url in ("postgresql://u:p@db:5432/shop", "postgresql+psycopg://u@db/shop", "postgres://u@db/shop"):
        assert Settings(_env_file=None, database_url=url).database_url == url


PRODUCTION_OK = {
    "ESIM_ENV": "production", "PUBLIC_URL": "https://shop.example.com",
    "AIRALO_API_KEY": "k", "AIRALO_API_SECRET": "s", "ESIM_ACCESS_CLIENT_ID": "i",
    "ESIM_ACCESS_CLIENT_SECRET": "s", "ESIM_GO_API_KEY": "k",
    "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_PUBLISHABLE_KEY": "pk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "SMTP_HOST": "smtp.example.com", "ENCRYPTION_KEYS": "0" * 43 + "=", "ESIM_ACCESS_WEBHOOK_TOKEN": "t" * 32,
}


def _serve_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from services.core.settings import load_for_serving; load_for_serving()"],
        env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, cwd=".",
    )


def test_the_server_binds_loopback_and_allows_only_its_own_origin_by_default() -> None:
    settings = Settings(_env_file=None)
    assert settings.bind_host == "127.0.0.1"
    assert settings.allowed_origins == ("http://localhost:3000", "http://127.0.0.1:3000")
    assert Settings(_env_file=None, public_url="https://shop.example.com/path").allowed_origins == (
        "https://shop.example.com",)


def test_a_misconfigured_production_start_names_every_problem_on_its_own_line() -> None:
    result = _serve_with({"ESIM_ENV": "production", "SMTP_SECURITY": "none", "STRIPE_API_BASE": "http://127.0.0.1:8420"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("configuration error: ") for line in lines)
    for variable in ("AIRALO_API_KEY", "AIRALO_API_SECRET", "ESIM_ACCESS_CLIENT_ID", "ESIM_ACCESS_CLIENT_SECRET",
                     "ESIM_GO_API_KEY", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET",
                     "STRIPE_API_BASE", "SMTP_HOST", "SMTP_SECURITY", "PUBLIC_URL", "ENCRYPTION_KEYS",
                     "ESIM_ACCESS_WEBHOOK_TOKEN"):
        assert sum(f"{variable} " in line or f"{variable}=" in line or f"{variable}:" in line for line in lines) == 1, variable
    assert len(lines) == 14


def test_a_complete_production_configuration_starts() -> None:
    assert _serve_with(PRODUCTION_OK).returncode == 0
    plain_http = _serve_with({**PRODUCTION_OK, "PUBLIC_URL": "http://shop.example.com"})
    assert plain_http.returncode == 2 and "PUBLIC_URL" in plain_http.stderr


def test_real_provider_credentials_with_the_stripe_emulator_refuse_to_start() -> None:
    result = _serve_with({"ESIM_GO_API_KEY": "real-key"})
    assert result.returncode == 2
    assert "esim_go" in result.stderr and "ESIM_ALLOW_SANDBOX_PAYMENTS" in result.stderr
    emulator = _serve_with({"ESIM_GO_API_KEY": "real-key", "STRIPE_SECRET_KEY": "sk_test_sandbox",
                            "STRIPE_API_BASE": "http://127.0.0.1:8420"})
    assert emulator.returncode == 2
    assert _serve_with({"ESIM_GO_API_KEY": "real-key", "STRIPE_SECRET_KEY": "sk_test_real"}).returncode == 0
    assert _serve_with({}).returncode == 0  # all simulated: the sandbox as usual


def test_allowing_sandbox_payments_starts_with_a_warning_every_time() -> None:
    result = _serve_with({"ESIM_GO_API_KEY": "real-key", "ESIM_ALLOW_SANDBOX_PAYMENTS": "1"})
    assert result.returncode == 0
    assert result.stderr.startswith("WARNING: ") and "esim_go" in result.stderr
    settings = Settings(_env_file=None, esim_go_api_key="k", esim_allow_sandbox_payments=True)
    assert "test cards buy real eSIMs" in settings.sandbox_payments_warning
    assert settings.simulated_providers == ("airalo", "esim_access")
