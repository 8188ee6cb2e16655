"""Real providers never meet the Stripe emulator unless allowed, and then every page says so."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import reflex as rx

from esim_app.components.layout import portal_shell, storefront_shell
from services.core import get_settings
from tests.unit.test_settings import PRODUCTION_OK

ESIM = str(pathlib.Path(sys.executable).with_name("esim"))


def _esim(*args: str, **variables: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("ESIM_", "STRIPE_", "SMTP_", "ENCRYPTION_"))}
    return subprocess.run([ESIM, *args], capture_output=True, text=True, env={**keep, **variables}, timeout=120)


def test_every_page_shows_the_warning_while_sandbox_payments_are_allowed(env) -> None:
    env.setenv("ESIM_GO_API_KEY", "real-key")
    env.setenv("ESIM_ALLOW_SANDBOX_PAYMENTS", "1")
    get_settings.cache_clear()
    for page in (storefront_shell(rx.text("x")), portal_shell("admin", "Admin", ())):
        assert "sandbox-payments-banner" in str(page) and "test cards buy real eSIMs" in str(page)


def test_no_banner_in_the_ordinary_sandbox(env) -> None:
    assert "sandbox-payments-banner" not in str(storefront_shell(rx.text("x")))


def test_serve_refuses_real_providers_with_the_stripe_emulator_before_touching_anything(database_url: str) -> None:
    result = _esim("serve", DATABASE_URL="postgresql://nobody@127.0.0.1:1/none", ESIM_GO_API_KEY="real-key")
    assert result.returncode == 2
    assert result.stderr.startswith("configuration error: providers esim_go have real credentials")


def test_production_jobs_and_serve_refuse_a_misconfigured_start(database_url: str) -> None:
    for command in ("jobs", "serve"):
        result = _esim(command, DATABASE_URL=database_url, ESIM_ENV="production")
        assert result.returncode == 2, command
        lines = result.stderr.strip().splitlines()
        assert len(lines) >= 8 and all(line.startswith("configuration error: ") for line in lines)
        assert any("STRIPE_WEBHOOK_SECRET" in line for line in lines)
    complete = {**PRODUCTION_OK, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    assert "configuration error" not in _esim("serve", **complete).stderr  # gets as far as the database
