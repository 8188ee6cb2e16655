"""The API keys page's state (`/business/api-keys`), its handlers called as a tab would: a company admin
creates a key (its secret shown once, then forgotten), revokes it after confirming; other roles get nothing."""

from __future__ import annotations

import uuid

import httpx

from esim_app.state.api_keys import ApiKeysState
from services.accounts import passwords
from tests.support.business_api import bearer
from tests.support.enterprise import company_user
from tests.support.tabs import exchange, tab

PASSWORD = "correct horse battery"


def _tab(role: str = "admin") -> ApiKeysState:
    email = f"keys-{uuid.uuid4().hex[:8]}@example.com"
    company_user(email, PASSWORD, company="Keys Ltd", role=role)
    signed_in = exchange(passwords.login_with_password("enterprise", email, PASSWORD, ip="10.8.0.1", user_agent=None))
    return tab(ApiKeysState, signed_in.token)  # type: ignore[return-value]


async def _run(state: ApiKeysState, name: str, *args):
    return await ApiKeysState.event_handlers[name].fn(state, *args)


async def test_an_admin_creates_a_key_sees_it_once_and_revokes_it(client: httpx.Client, plan: str) -> None:
    state = _tab()
    await _run(state, "load")
    await _run(state, "create", {"name": "Booking tool", "scope_read": "on"})
    assert state.error == "" and state.secret.startswith("esk_live_")
    secret = state.secret
    assert [(k.name, k.scopes, k.status) for k in state.keys] == [("Booking tool", "read", "active")]
    assert secret.startswith(state.keys[0].prefix)
    assert client.get("/catalog", params={"destination": "JP"}, headers=bearer(secret)).status_code == 200
    await _run(state, "load")
    assert state.secret == ""  # shown once
    await _run(state, "ask_revoke", state.keys[0].id)
    assert state.pending_name == "Booking tool"
    await _run(state, "revoke")
    assert state.keys[0].status == "revoked" and "revoked" in state.notice
    assert client.get("/catalog", params={"destination": "JP"}, headers=bearer(secret)).status_code == 401


async def test_a_key_needs_a_name_and_a_scope(client: httpx.Client) -> None:
    state = _tab()
    await _run(state, "create", {"name": "No scopes"})
    assert state.secret == "" and "scope" in state.error


async def test_only_company_admins_reach_the_keys(client: httpx.Client) -> None:
    admin = _tab()
    await _run(admin, "create", {"name": "Admin's", "scope_read": "on"})
    operations = _tab("operations")
    redirect = await _run(operations, "load")
    assert redirect is not None and operations.keys == []
    await _run(operations, "ask_revoke", admin.keys[0].id)
    assert operations.pending_id == 0
