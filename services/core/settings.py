"""Every environment variable the application reads, with defaults, validated once at start-up.

`get_settings()` is the only entry point; `.env` in the project root is read in development.
A bad value stops start-up with one line naming the variable (see `load_or_exit`).
"""

from __future__ import annotations

import functools
import sys
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from providers.specs import PROVIDER_IDS, ProviderSettings, spec_for


class Settings(ProviderSettings):
    """Application configuration (12-factor). Field names are the variable names, upper-cased.

    Each provider's credentials and base URL come from its spec (`providers.specs.ProviderSettings`).
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    esim_env: Literal["development", "test", "production"] = "development"
    brand_name: str = "Wayfarer"
    support_email: str = "support@example.com"
    app_port: int = Field(default=3000, ge=1, le=65535)
    public_url: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    database_url: str = ""
    data_dir: str = ".data"

    # Providers: which are enabled, in order of preference.
    esim_providers: Annotated[tuple[str, ...], NoDecode] = PROVIDER_IDS
    provider_timeout_seconds: float = Field(default=20.0, gt=0)

    # Payments and mail (used by later features; listed here so there is one place).
    stripe_secret_key: str = ""
    stripe_publishable_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_pass: str = ""
    smtp_from: str = "eSIM Marketplace <no-reply@localhost>"
    card_declines_per_day: int = Field(default=10, ge=1)  # declined card attempts per customer per 24 h

    # Sessions: customers slide (each use extends), enterprise and admin sessions end when idle and at a cap.
    session_customer_days: float = Field(default=30, gt=0)
    session_staff_idle_minutes: float = Field(default=30, gt=0)
    session_staff_max_hours: float = Field(default=12, gt=0)
    # Anti-automation: reverse proxies in front of the app (X-Forwarded-For hops to trust for the
    # client address), and threads for password checks (further checks queue, a flood is refused).
    trusted_proxy_hops: int = Field(default=0, ge=0, le=10)
    password_check_workers: int = Field(default=2, ge=1, le=32)

    scheduler: Literal["inline", "off"] = "inline"
    # Background job intervals (`esim jobs`, or inline in the web process).
    job_pending_orders_minutes: float = Field(default=5, gt=0)
    job_failed_orders_minutes: float = Field(default=10, gt=0)
    job_usage_minutes: float = Field(default=60, gt=0)
    job_catalog_hours: float = Field(default=6, gt=0)
    job_outbox_seconds: float = Field(default=60, gt=0)
    job_cleanup_hours: float = Field(default=24, gt=0)
    job_misfire_grace_seconds: int = Field(default=300, ge=1)
    # Received webhook events (provider and Stripe) are kept this long for deduplication and audit.
    webhook_retention_days: int = Field(default=90, ge=1)

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("is not a database URL") from None
        if url.drivername.split("+")[0] not in ("postgresql", "postgres"):
            raise ValueError("must be a postgresql:// URL")
        return value

    @field_validator("esim_providers", mode="before")
    @classmethod
    def _provider_list(cls, value: object) -> tuple[str, ...]:
        names = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[arg-type]
        names = [n.strip() for n in names if n.strip()]
        unknown = sorted(set(names) - set(PROVIDER_IDS))
        if unknown:
            raise ValueError(f"unknown provider {', '.join(unknown)}; use {', '.join(PROVIDER_IDS)}")
        return tuple(names)

    @property
    def is_production(self) -> bool:
        return self.esim_env == "production"

    @property
    def sandbox(self) -> bool:
        """True outside production: sandbox pages and simulators may exist."""
        return not self.is_production


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    name = str(err["loc"][0]).upper() if err["loc"] else "configuration"
    return f"configuration error: {name}: {err['msg']}"


MIN_WEBHOOK_TOKEN_LENGTH = 24


def webhook_token_problems(settings: Settings) -> list[str]:
    """Production: one line per enabled provider whose callbacks need a path token that is unset or short."""
    if not settings.is_production:
        return []
    problems = []
    for provider_id in settings.esim_providers:
        spec = spec_for(provider_id)
        if spec.webhook_token and len(getattr(settings, spec.webhook_token_setting)) < MIN_WEBHOOK_TOKEN_LENGTH:
            problems.append(f"configuration error: {spec.webhook_token_setting.upper()}: required in production, "
                            f"at least {MIN_WEBHOOK_TOKEN_LENGTH} random characters "
                            f"({spec.display_name}'s callback URL ends with it)")
    return problems


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings; raises `ValidationError` on a bad value."""
    return Settings()


def load_or_exit() -> Settings:
    """Load settings for a command or server start; print one clear line and exit on a bad value."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        print(_first_error(exc), file=sys.stderr)
        raise SystemExit(2) from None
    problems = webhook_token_problems(settings)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(2)
    return settings
