"""The session cookie is set and cleared by server routes, HttpOnly; handlers read it from the handshake.

The sign-in handlers run as a browser's events would; the routes run in the app's own Starlette
composition (`build_api`), and the cookie they set is fed back as the next websocket's header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import reflex as rx
from starlette.testclient import TestClient

from esim_app.http.api import build_api
from esim_app.state.account import AccountState
from esim_app.state.auth import AuthState
from esim_app.state.login import CodeLoginState
from esim_app.state.profile import ProfileState
from esim_app.state.staff_login import StaffLoginState
from services.accounts import codes, passwords, sessions
from services.core import get_settings
from tests.integration.auth.conftest import latest_code
from tests.support.tabs import tab


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(build_api(), base_url="http://127.0.0.1:3000", follow_redirects=False) as c:
        yield c


def _navigated_to(events: object) -> str:
    """The URL a handler's `window.location.replace(...)` sends the browser to."""
    script = str(events)
    found = re.search(r'window\.location\.replace\(\\?"([^"\\]+)\\?"\)', script)
    assert found, f"no full-page navigation in {script}"
    return found.group(1)


async def test_a_right_code_leaves_no_token_in_state_and_the_route_sets_an_httponly_cookie(
        email: str, ip: str, client: TestClient) -> None:
    codes.request_login_code(email, ip=ip)
    state = tab(CodeLoginState)
    state.email = email
    url = _navigated_to(await state.verify_code({"code": latest_code(email)}))
    # no var of any state in the tab holds a session token, nor is there a cookie var at all
    assert "session_token" not in AuthState.get_fields()
    assert not [name for name, f in AuthState.get_fields().items() if isinstance(f.default, rx.Cookie)]
    assert url.startswith("/api/session/start?")
    ticket = parse_qs(urlsplit(url).query)["ticket"][0]
    response = client.get(url, headers={"sec-fetch-site": "same-origin"})
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("esim_session=") and ticket not in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    # the next websocket carries the cookie: the handlers know the customer
    account = tab(AccountState, token)
    assert await account.load() is None and (await account.get_state(AuthState)).role == "customer"
    # the ticket is spent
    again = client.get(url, headers={"sec-fetch-site": "same-origin"})
    assert "set-cookie" not in again.headers and again.headers["location"] == "/login"


async def test_the_route_goes_on_to_a_safe_next_only(email: str, ip: str, client: TestClient) -> None:
    codes.request_login_code(email, ip=ip)
    new = codes.verify_login_code(email, latest_code(email), ip=ip, user_agent=None)
    response = client.get(f"/api/session/start?ticket={new.ticket}&next=//evil.example.com/x")
    assert response.headers["location"] == "/" and "set-cookie" in response.headers


async def test_a_sign_in_started_by_another_site_is_refused(email: str, ip: str, client: TestClient) -> None:
    codes.request_login_code(email, ip=ip)
    new = codes.verify_login_code(email, latest_code(email), ip=ip, user_agent=None)
    response = client.get(f"/api/session/start?ticket={new.ticket}", headers={"sec-fetch-site": "cross-site"})
    assert "set-cookie" not in response.headers


def test_production_cookies_are_secure_and_host_prefixed(email: str, ip: str, monkeypatch) -> None:
    codes.request_login_code(email, ip=ip)
    new = codes.verify_login_code(email, latest_code(email), ip=ip, user_agent=None)
    monkeypatch.setenv("ESIM_ENV", "production")
    get_settings.cache_clear()
    try:
        with TestClient(build_api(), base_url="https://shop.example.com", follow_redirects=False) as client:
            cookie = client.get(f"/api/session/start?ticket={new.ticket}").headers["set-cookie"]
    finally:
        monkeypatch.delenv("ESIM_ENV")
        get_settings.cache_clear()
    assert cookie.startswith("__Host-esim_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie and "Domain" not in cookie


async def test_staff_sign_in_reaches_the_route_only_after_the_second_factor(
        email: str, ip: str, client: TestClient) -> None:
    passwords.create_admin(email, "a long admin passphrase")
    state = tab(StaffLoginState)
    # the right password alone navigates nowhere: the tab shows the enrolment
    assert await state.submit_password({"email": email, "password": "a long admin passphrase"}) is None
    assert state.step == "enrol" and state.enrol_qr.startswith("data:image/png;base64,")
    # the challenge and, later, the ticket stay on the server side of the tab
    assert state._challenge and not {"_challenge", "_ticket"} & set(StaffLoginState.vars)
    assert state._challenge not in str(state.dict())
    assert await state.confirm_enrolment({"totp": pyotp.TOTP(state.enrol_secret).now()}) is None
    assert state.step == "recovery_codes" and len(state.recovery_codes) == 10
    url = _navigated_to(state.finish_enrolment())
    response = client.get(url)
    assert response.headers["location"] == "/admin" and "HttpOnly" in response.headers["set-cookie"]


async def test_logout_revokes_the_session_clears_the_tab_and_the_cookie(
        email: str, ip: str, sign_in, client: TestClient) -> None:
    signed = sign_in(email)
    account = tab(AccountState, signed.token)
    await account.load()
    profile = await account.get_state(ProfileState)
    await profile.load()
    auth = await account.get_state(AuthState)
    assert profile.email == email and auth.role == "customer"
    # when the customer logs out
    url = _navigated_to(await auth.logout())
    # then the session is dead, and nothing of the account is left in any state of the tab
    assert sessions.resolve_session(signed.token) is None
    assert (profile.email, profile.sessions, auth.role, auth.display_name) == ("", [], "", "")
    # and the route clears the cookie and goes to sign in
    client.cookies.set("esim_session", signed.token)
    response = client.get(url)
    assert response.headers["location"] == "/login"
    assert 'esim_session=""' in response.headers["set-cookie"] and "Max-Age=0" in response.headers["set-cookie"]


async def test_the_logout_route_alone_revokes_the_session(email: str, sign_in, client: TestClient) -> None:
    signed = sign_in(email)
    client.cookies.set("esim_session", signed.token)
    client.get("/api/session/end?next=/admin/login", headers={"sec-fetch-site": "same-origin"})
    assert sessions.resolve_session(signed.token) is None


async def test_another_site_cannot_log_a_visitor_out(email: str, sign_in, client: TestClient) -> None:
    signed = sign_in(email)
    client.cookies.set("esim_session", signed.token)
    response = client.get("/api/session/end", headers={"sec-fetch-site": "cross-site"})
    assert sessions.resolve_session(signed.token) is not None and "set-cookie" not in response.headers
