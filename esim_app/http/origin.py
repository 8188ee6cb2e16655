"""The site's public origin, from configuration only: never from a request's Host header."""

from __future__ import annotations

from dataclasses import dataclass

from services.core import Settings, get_settings, languages


def public_origin(settings: Settings | None = None) -> str:
    """`PUBLIC_URL` without a trailing slash; in development without it, the local address the app serves."""
    settings = settings or get_settings()
    return (settings.public_url or f"http://localhost:{settings.app_port}").rstrip("/")


@dataclass(frozen=True)
class Alternate:
    """One language's address of a page, for `<link rel="alternate" hreflang>` and the sitemap."""

    hreflang: str
    href: str


def alternates(path: str) -> list[Alternate]:
    """Every language's URL of `path` (`?lang=`), and the negotiated one as `x-default`."""
    base = public_origin() + (path or "/")
    return [*(Alternate(code, f"{base}?lang={code}") for code in languages()), Alternate("x-default", base)]
