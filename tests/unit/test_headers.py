"""The security headers and the policy they carry, for production and for the sandbox."""

from __future__ import annotations

import base64
import hashlib
import pathlib

from esim_app.http.headers import content_security_policy, inline_script_hashes, security_headers
from services.core import Settings


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in policy.split("; "))}


def _sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def test_production_policy_allows_stripe_and_our_origin_and_nothing_inline() -> None:
    settings = Settings(_env_file=None, esim_env="production", public_url="https://shop.example.com")
    policy = _directives(content_security_policy(settings, ["'sha256-abc='"]))
    assert policy["script-src"] == ["'self'", "'sha256-abc='", "'unsafe-eval'", "https://js.stripe.com",
                                    "https://*.js.stripe.com"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-src"] == ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"]
    assert policy["connect-src"] == ["'self'", "wss://shop.example.com", "https://api.stripe.com"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]  # QR codes are data: URIs


def test_sandbox_policy_takes_stripe_from_the_emulator_address() -> None:
    settings = Settings(_env_file=None, esim_env="test", app_port=3100, stripe_api_base="http://127.0.0.1:8420/")
    policy = _directives(content_security_policy(settings))
    assert policy["script-src"] == ["'self'", "'unsafe-eval'", "http://127.0.0.1:8420"]
    assert policy["connect-src"] == ["'self'", "ws://localhost:3100", "http://127.0.0.1:8420"]
    assert "https://js.stripe.com" not in content_security_policy(settings)


def test_hsts_is_sent_in_production_only() -> None:
    production = dict(security_headers(Settings(_env_file=None, esim_env="production")))
    development = dict(security_headers(Settings(_env_file=None, esim_env="development")))
    assert production[b"strict-transport-security"] == b"max-age=63072000; includeSubDomains"
    assert b"strict-transport-security" not in development
    for headers in (production, development):
        assert headers[b"x-content-type-options"] == b"nosniff"
        assert headers[b"referrer-policy"] == b"strict-origin-when-cross-origin"
        assert headers[b"x-frame-options"] == b"DENY"


def test_inline_scripts_of_the_build_are_hashed_and_external_ones_are_not(tmp_path: pathlib.Path) -> None:
    theme = "document.documentElement.classList.add('dark')"
    router = 'import "/assets/manifest.js";'
    (tmp_path / "index.html").write_text(
        f'<html><head><script>{theme}</script><script type="module" async="">{router}</script>'
        '<script src="/assets/app.js"></script></head></html>')
    (tmp_path / "account").mkdir()
    (tmp_path / "account" / "index.html").write_text(f"<script>{theme}</script>")
    assert inline_script_hashes(tmp_path) == tuple(sorted({_sha256(theme), _sha256(router)}))


def test_no_build_means_no_inline_script_allowed(tmp_path: pathlib.Path) -> None:
    assert inline_script_hashes(tmp_path / "missing") == ()
