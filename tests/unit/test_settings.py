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
