"""Session and role guards shared by every portal.

The browser keeps an opaque token in the `esim_session` cookie; the server resolves it against
the database on every guarded load and in every handler that touches data (`_require`), so a
revoked session stops working at its next event. Nothing the browser sends besides the cookie
decides who the caller is.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from esim_app import routes
from services import accounts
from services.core import get_settings

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

    async def _current(self) -> accounts.Identity | None:
        """The caller's identity, resolved from the session cookie against the database."""
        identity = await accounts.resolve_session(self.session_token)
        if identity is None:
            self._forget()
            return None
        self.role, self.display_name = identity.role, identity.display_name
        return identity

    async def _require(
        self, role: str, roles: tuple[str, ...] = ()
    ) -> tuple[accounts.Identity | None, rx.event.EventSpec | None]:
        """(identity, None) for a caller with `role` (and one of `roles`, if any); else (None, a redirect).

        A stranger goes to sign in and comes back here; a signed-in caller without one of `roles`
        goes to the portal's home.
        """
        identity = await self._current()
        if identity is not None and identity.role == role:
            if not roles or set(roles) & set(identity.roles):
                return identity, None
            return None, rx.redirect(HOME[role], replace=True)
        path = self.router.url.path.rstrip("/") or HOME[role]
        return None, rx.redirect(f"{LOGIN[role]}?next={quote(path, safe='')}", replace=True)

    def _start(self, new: accounts.NewSession) -> rx.event.EventSpec:
        """Adopt a fresh session and go to the `next` page or the role's home."""
        self.session_token = new.token
        self.role, self.display_name = new.identity.role, new.identity.display_name
        target = self.router.url.query_parameters.get("next", "")
        return rx.redirect(target if accounts.is_safe_next(target) else HOME[new.identity.role], replace=True)

    @rx.event
    async def guard(self, role: str, roles: list[str]):
        """A portal page's on-load guard (see `esim_app.pages.templates`); handlers check again."""
        return (await self._require(role, tuple(roles)))[1]

    @rx.event
    async def identify(self) -> None:
        """Public pages: learn whether a customer is signed in, for the header (no redirect)."""
        await self._current()

    @rx.event
    async def logout(self):
        if self.session_token:
            await accounts.revoke_session(self.session_token)
        role = self.role or "customer"
        self.session_token = ""
        self._forget()
        return [rx.remove_cookie(COOKIE, {"path": "/"}), rx.redirect(LOGIN.get(role, routes.LOGIN))]


class CustomerState(AuthState):
    """Base of the customer account's states; every handler calls `self._require("customer")`."""

