"""Session and role guards shared by every portal.

The browser keeps an opaque token in an HttpOnly cookie that only the server sets and clears
(`esim_app.http.session`); no state var holds it. Every guarded load and every handler that
touches data (`_require`) resolves it against the database from the cookie the websocket
handshake carried, so a revoked session stops working at its next event. Nothing the browser
sends besides the cookie decides who the caller is.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import reflex as rx

from esim_app import routes
from esim_app.http import session as session_cookie
from services import accounts

HOME = {"customer": routes.ACCOUNT, "enterprise": routes.BUSINESS, "admin": routes.ADMIN}
LOGIN = {"customer": routes.LOGIN, "enterprise": routes.BUSINESS_LOGIN, "admin": routes.ADMIN_LOGIN}


def navigate(url: str) -> rx.event.EventSpec:
    """A full page load of `url` (a server route, not a page), so the next websocket carries the new cookie."""
    return rx.call_script(f"window.location.replace({json.dumps(url)})")


def _descendants(cls: type[rx.State]) -> list[type[rx.State]]:
    return [sub for direct in cls.get_substates() for sub in (direct, *_descendants(direct))]


class AuthState(rx.State):
    role: str = ""  # for the UI only; handlers use what `_current` resolves
    display_name: str = ""
    _language: str = ""  # the signed-in customer's profile language, as last resolved (LocaleState reads it)

    def _token(self) -> str:
        return session_cookie.token_from_cookies(self.router.headers.cookie)

    def _forget(self) -> None:
        self.role = self.display_name = self._language = ""

    async def _current(self) -> accounts.Identity | None:
        """The caller's identity, resolved from the session cookie against the database."""
        token = self._token()
        identity = await accounts.resolve_session(token) if token else None
        if identity is None:
            self._forget()
            return None
        self.role, self.display_name = identity.role, identity.display_name
        self._language = identity.language
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
        reason = await self._refusal() if role == "enterprise" else None
        suffix = f"&reason={reason}" if reason else ""
        return None, rx.redirect(f"{LOGIN[role]}?next={quote(path, safe='')}{suffix}", replace=True)

    async def _refusal(self) -> str | None:
        """Why the cookie's session stopped working, when its holder should be told (a suspended company)."""
        token = self._token()
        return await accounts.session_refusal(token) if token else None

    def _start(self, new: accounts.NewSession) -> rx.event.EventSpec:
        """Send the browser to trade the sign-in ticket for the cookie, then on to `next` or the role's home."""
        self.role, self.display_name = new.identity.role, new.identity.display_name
        return self._start_ticket(new.ticket, new.identity.role)

    def _start_ticket(self, ticket: str, role: str) -> rx.event.EventSpec:
        target = self.router.url.query_parameters.get("next", "")
        target = target if accounts.is_safe_next(target) else HOME[role]
        return navigate(session_cookie.start_url(ticket, target))

    async def _end(self, role: str) -> rx.event.EventSpec:
        """Forget everything the tab's account and portal states hold, then clear the cookie."""
        for base in (AuthState, *PORTAL_BASES):
            top = await self.get_state(base)
            for state_class in _descendants(base):
                await self.get_state(state_class)  # loaded, so the reset below reaches it
            top.reset()
        return navigate(session_cookie.end_url(LOGIN.get(role, routes.LOGIN)))

    @rx.event
    async def guard(self, role: str, roles: list[str]):
        """A portal page's on-load guard (see `esim_app.pages.templates`); handlers check again."""
        return (await self._require(role, tuple(roles)))[1]

    @rx.event
    async def logout(self):
        """Revoke this session, clear every account and portal state of the tab, clear the cookie."""
        role, token = self.role or "customer", self._token()
        if token:
            await accounts.revoke_session(token, ip=self.router.session.client_ip)
        return await self._end(role)


class PortalState(rx.State, mixin=True):
    """What the portal bases share: the caller, resolved by the tab's `AuthState`.

    The portal bases are children of the root state, not of `AuthState`: Reflex loads a state with
    all its substates, so a storefront event that reads the session (`StorefrontState.visit` on every
    page load) would otherwise load (and a fresh tab build) the ~50 portal states with it.
    """

    async def _auth(self) -> AuthState:
        """The tab's `AuthState` (its session and header vars)."""
        return await self.get_state(AuthState)

    async def _current(self) -> accounts.Identity | None:
        """`AuthState._current`: the caller's identity from the session cookie."""
        return await (await self._auth())._current()

    async def _require(
        self, role: str, roles: tuple[str, ...] = ()
    ) -> tuple[accounts.Identity | None, rx.event.EventSpec | None]:
        """`AuthState._require`: (identity, None) for a caller with `role` (and one of `roles`), else (None, a redirect)."""
        return await (await self._auth())._require(role, roles)

    async def _end(self, role: str) -> rx.event.EventSpec:
        """`AuthState._end`: forget the tab's account and portal states, then clear the cookie."""
        return await (await self._auth())._end(role)


class CustomerState(PortalState, rx.State):
    """Base of the customer account's states; every handler calls `self._require("customer")`."""


class EnterpriseState(PortalState, rx.State):
    """Base of the enterprise portal's states; every handler calls `self._require("enterprise", ...)`,
    and the services take the company from the resolved identity, never from the page."""


class AdminState(PortalState, rx.State):
    """Base of the admin dashboard's states; every handler calls `self._require("admin", roles)` and
    passes the services only the staff id the session resolved to, never one sent by the page."""


PORTAL_BASES: tuple[type[rx.State], ...] = (CustomerState, EnterpriseState, AdminState)
