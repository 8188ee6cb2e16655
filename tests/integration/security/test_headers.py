"""Every response carries the security headers; the sitemap ignores a forged Host; SQL errors hide values.

The app is composed as Reflex composes it (`api_transformer=[api, SecurityHeaders]`): our routes,
with a built page and the `/_event` websocket mounted beneath them, all wrapped by the middleware.
"""

from __future__ import annotations

import base64
import hashlib
import pathlib
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from starlette.routing import WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from esim_app.http.api import build_api
from esim_app.http.headers import SecurityHeaders
from services.core import db, get_settings

THEME_SCRIPT = "document.documentElement.dataset.theme = localStorage.getItem('theme') || 'light'"


async def _event(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.close()


@pytest.fixture
def client(database_url: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("PUBLIC_URL", "https://shop.example.com")
    get_settings.cache_clear()
    (tmp_path / "index.html").write_text(f"<!DOCTYPE html><html><head><script>{THEME_SCRIPT}</script></head></html>")
    api = build_api()
    api.router.routes.append(WebSocketRoute("/_event", _event))  # Reflex's socket, mounted under our routes
    api.mount("", StaticFiles(directory=tmp_path, html=True))  # the production build, likewise
    with TestClient(SecurityHeaders(api, build_dir=tmp_path)) as test_client:
        yield test_client
    get_settings.cache_clear()


def _assert_secured(headers: dict[str, str]) -> None:
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "DENY"


def test_a_page_allows_exactly_the_inline_scripts_of_the_build(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and THEME_SCRIPT in response.text
    _assert_secured(response.headers)
    digest = base64.b64encode(hashlib.sha256(THEME_SCRIPT.encode()).digest()).decode()
    script_src = next(d for d in response.headers["content-security-policy"].split("; ") if d.startswith("script-src"))
    assert f"'sha256-{digest}'" in script_src.split()


def test_api_and_webhook_routes_carry_the_headers_even_on_errors(client: TestClient) -> None:
    health = client.get("/api/health")
    unsigned = client.post("/api/stripe/webhook", content=b"{}", headers={"content-type": "application/json"})
    assert health.status_code == 200 and unsigned.status_code == 400
    for response in (health, unsigned):
        _assert_secured(response.headers)
        assert "strict-transport-security" not in response.headers  # not production


def test_the_websocket_handshake_carries_the_headers(client: TestClient) -> None:
    with client.websocket_connect("/_event") as socket:
        headers = {k.decode(): v.decode() for k, v in socket.extra_headers or []}
    _assert_secured(headers)


def test_hsts_in_production(client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    monkeypatch.setenv("ESIM_ENV", "production")
    get_settings.cache_clear()
    with TestClient(SecurityHeaders(build_api(), build_dir=tmp_path)) as production:
        response = production.get("/api/health")
    assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"


def test_sitemap_urls_come_from_public_url_not_the_host_header(client: TestClient) -> None:
    response = client.get("/sitemap.xml", headers={"host": "attacker.example"})
    assert response.status_code == 200
    assert "attacker.example" not in response.text
    assert "<loc>https://shop.example.com/</loc>" in response.text


def test_sitemap_without_public_url_uses_the_local_origin(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_URL", "")
    monkeypatch.setenv("APP_PORT", "3123")
    get_settings.cache_clear()
    response = client.get("/sitemap.xml", headers={"host": "attacker.example"})
    assert "attacker.example" not in response.text
    assert "<loc>http://localhost:3123/</loc>" in response.text


def test_database_errors_do_not_carry_bound_values(database_url: str) -> None:
    secret = "LPA:1$rsp.example.com$SECRET-MATCHING-ID"
    with pytest.raises(sa.exc.DBAPIError) as failure, db.get_engine().connect() as conn:
        conn.execute(sa.text("SELECT CAST(:lpa AS text), 1 / 0"), {"lpa": secret})  # fails, not for the value
    assert "SECRET-MATCHING-ID" not in str(failure.value)
    assert "hidden" in str(failure.value)
