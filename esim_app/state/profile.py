"""The customer's profile page: details form, active sessions and "log out everywhere"."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import CustomerState
from esim_app.state.locale import LocaleState, reader_language
from services import accounts
from services.core import ServiceError, date_text, moment_text, translate


@dataclass(frozen=True)
class SessionRow:
    device: str
    ip: str
    started: str
    last_seen: str
    current: bool


def _session_row(v: accounts.SessionView, lang: str) -> SessionRow:
    seen = v.last_seen_at or v.created_at
    return SessionRow((v.user_agent or translate(lang, "Unknown device"))[:80], v.ip or "",
                      date_text(lang, v.created_at), moment_text(lang, seen), v.current)


class ProfileState(CustomerState):
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    country: str = ""
    currency: str = "USD"
    language: str = "en"
    currencies: list[str] = []
    sessions: list[SessionRow] = []
    error: str = ""
    notice: str = ""
    form_key: int = 0  # remounts the uncontrolled form when fresh values arrive
    loaded: bool = False

    def _show(self, view: accounts.ProfileView) -> None:
        """Fresh values into the form, remounting it only when they differ from what it shows: a
        return visit shows the form at once, and a choice made before the page's load answered stays."""
        fresh = (view.email, view.first_name, view.last_name, view.country, view.currency, view.language,
                 list(view.currencies))
        if fresh == (self.email, self.first_name, self.last_name, self.country, self.currency, self.language,
                     self.currencies):
            return
        (self.email, self.first_name, self.last_name, self.country, self.currency, self.language,
         self.currencies) = fresh
        self.form_key += 1

    @rx.event
    async def load(self):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        page = await accounts.get_profile_page(identity)
        self._show(page.profile)
        lang = await reader_language(self)
        self.sessions = [_session_row(s, lang) for s in page.sessions]
        self.error, self.notice, self.loaded = "", "", True

    @rx.event
    async def save(self, form: dict[str, str]):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        try:
            view = await accounts.update_profile(
                identity.principal_id,
                **{k: str(form.get(k, "")) for k in ("first_name", "last_name", "country", "currency", "language")})
        except ServiceError as exc:
            self.error, self.notice = message_for(exc, await reader_language(self)), ""
            return
        self._show(view)
        self.error, self.notice = "", translate(view.language, "Your profile was saved.")
        (await self._auth()).display_name = " ".join(filter(None, (view.first_name, view.last_name))) or view.email
        if view.language != await reader_language(self):  # the page follows the language just chosen
            return LocaleState.choose(view.language)

    @rx.event
    async def logout_everywhere(self):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        await accounts.revoke_all_sessions(identity)
        return await self._end("customer")
