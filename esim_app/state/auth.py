"""Session and role guards shared by every portal.

The browser keeps an opaque token in the `esim_session` cookie; the server resolves it against
the database on every guarded load and in every handler that touches data (`_require`), so a
revoked session stops working at its next event. Nothing the browser sends besides the cookie
decides who the caller is.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import reflex as rx

from esim_app import routes
from services.accounts import auth
from services.core.settings import get_settings

COOKIE = "esim_session"
HOME = {"customer": routes.ACCOUNT, "enterprise": routes.BUSINESS, "admin": routes.ADMIN}
LOGIN = {"customer": routes.LOGIN, "enterprise": routes.BUSINESS_LOGIN, "admin": routes.ADMIN_LOGIN}


class AuthState(rx.State):
    session_token: str = rx.Cookie(
        "", name=COOKIE, path="/", max_age=30 * 24 * 3600, same_site="lax",
        secure=get_settings().is_production,
    )
    role: str = ""  # for the UI only; handlers use what `_current` resolves
    display_name: str = ""

    def _forget(self) -> None:
        self.role = self.display_name = ""

    async def _current(self) -> auth.Identity | None:
        """The caller's identity, resolved from the session cookie against the database."""
        identity = await asyncio.to_thread(auth.resolve_session, self.session_token) if self.session_token else None
        if identity is None:
            self._forget()
            return None
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
        self.role, self.display_name = new.identity.role, new.identity.display_name
        target = self.router.url.query_parameters.get("next", "")
        return rx.redirect(target if auth.is_safe_next(target) else HOME[new.identity.role], replace=True)

    @rx.event
    async def identify(self) -> None:
        """Public pages: learn whether a customer is signed in, for the header (no redirect)."""
        await self._current()

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
