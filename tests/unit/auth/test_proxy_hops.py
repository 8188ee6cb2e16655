"""Per-IP sign-in limits see the client behind the configured number of reverse proxies."""

from __future__ import annotations

import importlib

import pytest
from reflex.app import EventNamespace

from services.core import get_settings


def _client_ip(monkeypatch: pytest.MonkeyPatch, hops: str | None, forwarded_for: str) -> str:
    if hops is None:
        monkeypatch.delenv("TRUSTED_PROXY_HOPS", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_PROXY_HOPS", hops)
    get_settings.cache_clear()
    import rxconfig

    config = importlib.reload(rxconfig).config
    monkeypatch.setattr("reflex.app.get_config", lambda: config)
    scope = {"headers": [(b"x-forwarded-for", forwarded_for.encode())], "client": ("10.0.0.2", 1234)}
    data = EventNamespace._build_static_router_data(EventNamespace.__new__(EventNamespace), "sid", {"asgi.scope": scope})
    get_settings.cache_clear()
    return data["ip"]


def test_behind_one_proxy_the_client_address_is_the_one_it_forwarded(monkeypatch) -> None:
    assert _client_ip(monkeypatch, "1", "198.51.100.7, 203.0.113.5") == "203.0.113.5"


def test_behind_two_proxies_a_forged_first_hop_is_ignored(monkeypatch) -> None:
    assert _client_ip(monkeypatch, "2", "1.2.3.4, 198.51.100.7, 10.0.0.9") == "198.51.100.7"


def test_without_proxies_a_forwarded_header_is_ignored(monkeypatch) -> None:
    assert _client_ip(monkeypatch, None, "198.51.100.7") == "10.0.0.2"
