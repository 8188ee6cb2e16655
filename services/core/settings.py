"""Every environment variable the application reads, with defaults, validated once at start-up.

`get_settings()` is the only entry point; `.env` in the project root is read in development.
A bad value stops start-up with one line naming the variable (see `load_or_exit`); a server start
also checks the combination (`startup_problems`: production completeness, real providers against
the Stripe emulator) and prints one line per problem (`load_for_serving`).
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import sys
from typing import Annotated, Literal
from urllib.parse import urlsplit

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
    bind_host: str = "127.0.0.1"  # the address `esim serve` listens on; 0.0.0.0 only behind a proxy/firewall
    public_url: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    database_url: str = ""
    data_dir: str = ".data"
    # Database connections each process keeps open; bursts open up to 20 more, closed again when returned
    # to a full pool (each new one costs a connection set-up), so size it to the threads that use the database.
    db_pool_size: int = Field(default=10, ge=1, le=200)
    # Fernet keys for activation material at rest, comma-separated, newest first (older ones only decrypt).
    encryption_keys: str = ""

    # Providers: which are enabled, in order of preference.
    esim_providers: Annotated[tuple[str, ...], NoDecode] = PROVIDER_IDS
    provider_timeout_seconds: float = Field(default=20.0, gt=0)
    # Redis shared by every process: provider rate limits count across all of them ("" = per process).
    redis_url: str = ""
    # Sandbox: the provider simulators' own process (`esim simulators`), shared by every web worker and
    # job process; empty = the web app serves them itself (one process only).
    simulators_url: str = ""

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
    api_rate_limit_per_minute: int = Field(default=60, ge=1, le=100_000)  # business API requests per key

    # Sessions: customers slide (each use extends), enterprise and admin sessions end when idle and at a cap.
    session_customer_days: float = Field(default=30, gt=0)
    session_staff_idle_minutes: float = Field(default=30, gt=0)
    session_staff_max_hours: float = Field(default=12, gt=0)
    # Anti-automation: reverse proxies in front of the app (X-Forwarded-For hops to trust for the
    # client address), and threads for password checks (further checks queue, a flood is refused).
    trusted_proxy_hops: int = Field(default=0, ge=0, le=10)
    password_check_workers: int = Field(default=2, ge=1, le=32)
    # starttls: required before login or sending; tls: implicit TLS (port 465); none: local test servers only.
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    # Staging against the providers' own sandboxes with the Stripe emulator (warned at every start).
    esim_allow_sandbox_payments: bool = False

    scheduler: Literal["inline", "off"] = "inline"
    # Background job intervals (`esim jobs`, or inline in the web process).
    job_pending_orders_minutes: float = Field(default=0.5, gt=0)
    job_failed_orders_minutes: float = Field(default=10, gt=0)
    job_usage_minutes: float = Field(default=60, gt=0)
    job_catalog_hours: float = Field(default=6, gt=0)
    job_outbox_seconds: float = Field(default=60, gt=0)
    job_cleanup_hours: float = Field(default=24, gt=0)
    job_analytics_minutes: float = Field(default=1, gt=0)
    job_misfire_grace_seconds: int = Field(default=300, ge=1)
    # Received webhook events (provider and Stripe) are kept this long for deduplication and audit.
    webhook_retention_days: int = Field(default=90, ge=1)
    # Provider call records (latency, outcome) are kept this long for the dashboard and order timelines.
    provider_call_retention_days: int = Field(default=30, ge=1)

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

    @field_validator("simulators_url")
    @classmethod
    def _http_origin(cls, value: str) -> str:
        if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname):
            raise ValueError("must be an http:// address such as http://127.0.0.1:8421")
        return value

    @field_validator("encryption_keys")
    @classmethod
    def _fernet_keys(cls, value: str) -> str:
        for key in filter(None, (k.strip() for k in value.split(","))):
            try:
                ok = len(base64.urlsafe_b64decode(key.encode())) == 32
            except (ValueError, binascii.Error):
                ok = False
            if not ok:
                raise ValueError("holds a value that is not a Fernet key (32 url-safe base64 bytes)")
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

    @property
    def real_providers(self) -> tuple[str, ...]:
        """Enabled providers with every credential set (they are called for real)."""
        return tuple(p for p in self.esim_providers
                     if all(getattr(self, c.setting) for c in spec_for(p).credentials))

    @property
    def simulated_providers(self) -> tuple[str, ...]:
        """Enabled providers served by the app's own simulators (none in production)."""
        return () if self.is_production else tuple(p for p in self.esim_providers if p not in self.real_providers)

    @property
    def stripe_emulated(self) -> bool:
        """Payments go to the local Stripe emulator (started by `esim serve` when no key is set)."""
        if self.is_production:
            return False
        return not self.stripe_secret_key or _host(self.stripe_api_base) not in ("", "api.stripe.com")

    @property
    def sandbox_inbox(self) -> bool:
        """Mail is kept for the sandbox inbox page instead of sent (no SMTP host, not production)."""
        return not self.is_production and not self.smtp_host

    @property
    def sandbox_payments_warning(self) -> str:
        """Shown at every start and on every page while real providers meet the Stripe emulator."""
        if not (self.stripe_emulated and self.real_providers and self.esim_allow_sandbox_payments):
            return ""
        return (f"Test payments with real providers ({', '.join(self.real_providers)}): "
                "test cards buy real eSIMs (ESIM_ALLOW_SANDBOX_PAYMENTS=1).")

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """The app's own origin(s), for CORS: PUBLIC_URL's, else the local addresses."""
        if self.public_url:
            parts = urlsplit(self.public_url)
            return (f"{parts.scheme}://{parts.netloc}",)
        return tuple(f"http://{host}:{self.app_port}" for host in ("localhost", "127.0.0.1"))


def is_loopback(host: str | None) -> bool:
    """Whether a client address is this machine (sandbox pages and knobs answer no one else)."""
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "") if url else ""


def _production_problems(settings: Settings) -> list[str]:
    problems = [
        f"{c.setting.upper()} is required in production (provider {p} is enabled)"
        for p in settings.esim_providers for c in spec_for(p).credentials if not getattr(settings, c.setting)
    ]
    for name in ("stripe_secret_key", "stripe_publishable_key", "stripe_webhook_secret"):
        if not getattr(settings, name):
            problems.append(f"{name.upper()} is required in production")
    if _host(settings.stripe_api_base) not in ("", "api.stripe.com"):
        problems.append("STRIPE_API_BASE must be unset in production (it points at an emulator)")
    if not settings.smtp_host:
        problems.append("SMTP_HOST is required in production (mail would never be sent)")
    if settings.smtp_security == "none":
        problems.append("SMTP_SECURITY=none is not allowed in production (use starttls or tls)")
    if not settings.public_url.startswith("https://"):
        problems.append("PUBLIC_URL must be set to the site's https:// address in production")
    if not settings.encryption_keys:
        problems.append("ENCRYPTION_KEYS is required in production (see the README on generating one)")
    return problems


def startup_problems(settings: Settings) -> list[str]:
    """Why a server must not start with `settings`, one line each (empty when it may)."""
    problems = [*_production_problems(settings), *webhook_token_problems(settings)] if settings.is_production else []
    if settings.stripe_emulated and settings.real_providers and not settings.esim_allow_sandbox_payments:
        problems.append(
            f"providers {', '.join(settings.real_providers)} have real credentials but payments use the "
            "Stripe emulator: set the STRIPE_* keys, or ESIM_ALLOW_SANDBOX_PAYMENTS=1 for staging"
        )
    return problems


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
            problems.append(f"{spec.webhook_token_setting.upper()}: required in production, "
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
        return get_settings()
    except ValidationError as exc:
        print(_first_error(exc), file=sys.stderr)
        raise SystemExit(2) from None


def load_for_serving() -> Settings:
    """`load_or_exit`, then refuse a configuration a server must not run with (one line per problem);
    print the sandbox-payments warning when it applies."""
    settings = load_or_exit()
    problems = startup_problems(settings)
    for problem in problems:
        print(f"configuration error: {problem}", file=sys.stderr)
    if problems:
        raise SystemExit(2)
    if settings.sandbox_payments_warning:
        print(f"WARNING: {settings.sandbox_payments_warning}", file=sys.stderr)
    return settings
