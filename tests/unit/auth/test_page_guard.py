"""The portal decorators' server-side guard: a role, then (when a page asks) one of the portal's roles."""

from __future__ import annotations

import pytest

from esim_app.state.auth import AuthState
from services.accounts import sessions
from tests.support.tabs import tab


def _tab(monkeypatch: pytest.MonkeyPatch, identity: sessions.Identity | None) -> AuthState:
    monkeypatch.setattr(sessions, "resolve_session", lambda token: identity if token == "t" else None)
    return tab(AuthState, "t")  # type: ignore[return-value]


def _who(role: str, *roles: str) -> sessions.Identity:
    return sessions.Identity(role=role, principal_id=7, email="x@example.com", display_name="X", session_id=1,
                             roles=roles)


async def test_the_right_role_passes(monkeypatch) -> None:
    assert await _tab(monkeypatch, _who("admin")).guard("admin", []) is None


async def test_another_portals_user_is_sent_to_sign_in(monkeypatch) -> None:
    redirect = await _tab(monkeypatch, _who("customer")).guard("admin", [])
    assert "/admin/login" in str(redirect)


async def test_a_stranger_is_sent_to_sign_in(monkeypatch) -> None:
    redirect = await _tab(monkeypatch, None).guard("customer", [])
    assert "/login" in str(redirect)


async def test_a_page_that_asks_for_roles_admits_only_those(monkeypatch) -> None:
    assert await _tab(monkeypatch, _who("admin", "support")).guard("admin", ["support", "owner"]) is None
    redirect = await _tab(monkeypatch, _who("admin", "finance")).guard("admin", ["support"])
    assert "/admin" in str(redirect) and "/admin/login" not in str(redirect)
