"""The site's public origin, from configuration only: never from a request's Host header."""

from __future__ import annotations

from services.core import Settings, get_settings


def public_origin(settings: Settings | None = None) -> str:
    """`PUBLIC_URL` without a trailing slash; in development without it, the local address the app serves."""
    settings = settings or get_settings()
    return (settings.public_url or f"http://localhost:{settings.app_port}").rstrip("/")
