"""Session and role guards shared by every portal.

The browser keeps an opaque token in the `esim_session` cookie; the server resolves it on every
guarded load and in every handler that touches data (`_require`). Identity lives in backend-only
vars, so nothing the browser sends can change who the caller is.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import quote

import reflex as rx

from esim_app import routes
from services import auth
from services.settings import get_settings

COOKIE = "esim_session"
RECHECK_SECONDS = 30  # how long a resolved session is trusted before asking the database again
HOME = {"customer": routes.ACCOUNT, "enterprise": routes.BUSINESS, "admin": routes.ADMIN}
LOGIN = {"customer": routes.LOGIN, "enterprise": routes.BUSINESS_LOGIN, "admin": routes.ADMIN_LOGIN}


class AuthState(rx.State):
    session_token: str = rx.Cookie(
        "", name=COOKIE, path="/", max_age=30 * 24 * 3600, same_site="lax",
        secure=get_settings().is_production,
    )
    role: str = ""  # for the UI only; the server trusts `_identity`
    display_name: str = ""
    _identity: auth.Identity | None = None
    _checked_at: float = 0.0

    def _forget(self) -> None:
        self.role = self.display_name = ""
        self._identity = None
        self._checked_at = 0.0

    async def _current(self) -> auth.Identity | None:
        """The caller's identity, re-validated against the database every few seconds."""
        if not self.session_token:
            self._forget()
            return None
        if self._identity is not None and time.monotonic() - self._checked_at < RECHECK_SECONDS:
            return self._identity
        identity = await asyncio.to_thread(auth.resolve_session, self.session_token)
        if identity is None:
            self._forget()
            return None
        self._identity, self._checked_at = identity, time.monotonic()
        self.role, self.display_name = identity.role, identity.display_name
        return identity

    async def _require(self, role: str) -> tuple[auth.Identity | None, rx.event.EventSpec | None]:
        """(identity, None) for a caller with `role`; otherwise (None, a redirect to log in)."""
        identity = await self._current()
        if identity is not None and identity.role == role:
            return identity, None
        path = self.router.url.path.rstrip("/") or HOME[role]
        return None, rx.redirect(f"{LOGIN[role]}?next={quote(path, safe='')}", replace=True)

    def _start(self, new: auth.NewSession) -> rx.event.EventSpec:
        """Adopt a fresh session and go to the `next` page or the role's home."""
        self.session_token = new.token
        self._identity, self._checked_at = new.identity, time.monotonic()
        self.role, self.display_name = new.identity.role, new.identity.display_name
        target = self.router.url.query_parameters.get("next", "")
        return rx.redirect(target if auth.is_safe_next(target) else HOME[new.identity.role], replace=True)

    @rx.event
    async def logout(self):
        if self.session_token:
            await asyncio.to_thread(auth.revoke_session, self.session_token)
        role = self.role or "customer"
        self.session_token = ""
        self._forget()
        return [rx.remove_cookie(COOKIE, {"path": "/"}), rx.redirect(LOGIN.get(role, routes.LOGIN))]


class CustomerState(AuthState):
    @rx.event
    async def require_customer(self):
        return (await self._require("customer"))[1]


class EnterpriseState(AuthState):
    @rx.event
    async def require_enterprise(self):
        return (await self._require("enterprise"))[1]


class AdminState(AuthState):
    @rx.event
    async def require_admin(self):
        return (await self._require("admin"))[1]
