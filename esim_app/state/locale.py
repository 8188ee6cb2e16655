"""The reader's language: negotiated on every storefront and account page load, chosen in the header.

`?lang=` wins, then the signed-in customer's profile, then the language chosen before (a cookie),
then the browser's `Accept-Language` (`services.core.negotiate`). What `?lang=` or the profile
decides is written to the cookie, which the switcher also sets. Page text follows
`LocaleState.lang` in the browser (`esim_app.i18n.t`); handlers translate what they build with
`reader_language(self)`.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx

from esim_app.http.origin import Alternate, alternates
from esim_app.state.auth import AuthState
from services import accounts
from services.core import DEFAULT_LANGUAGE, is_language, negotiate

YEAR = 365 * 24 * 3600
LANGUAGE_PENDING = "lang-pending"  # on <html> while the page waits for its language (`esim_app.i18n.language_guard`)


class LocaleState(rx.State):
    lang: str = DEFAULT_LANGUAGE
    chosen: str = rx.Cookie("", name="lang", max_age=YEAR, same_site="lax", path="/")
    alternates: list[Alternate] = []

    def _apply(self, lang: str) -> rx.event.EventSpec:
        """Switch to `lang`; the page's `<html lang>` follows (the prerendered page says English), and a
        page hidden until it reads in its language shows once React has drawn the new text. `<html
        data-language>` says the page runs and has its language (the e2e tests wait for it)."""
        self.lang = lang
        return rx.call_script(
            f"document.documentElement.lang = document.documentElement.dataset.language = {json.dumps(lang)}; "
            f"requestAnimationFrame(() => requestAnimationFrame(() => "
            f"document.documentElement.classList.remove('{LANGUAGE_PENDING}')))")

    @rx.event
    async def negotiate(self):
        """A portal page's on load, after its guard resolved the session (storefront pages:
        `StorefrontState.visit`)."""
        return self._negotiate(await self.get_state(AuthState))

    def _negotiate(self, auth: AuthState) -> rx.event.EventSpec:
        """Settle the tab's language once `auth` has resolved the session."""
        query = str(self.router.url.query_parameters.get("lang", ""))[:8]
        lang = negotiate(query=query, profile=auth._language, cookie=self.chosen[:8],
                              accept_language=self.router.headers.accept_language[:400])
        if self.chosen != lang and any(is_language(code.strip().lower()) for code in (query, auth._language)):
            # A link to a language sticks, like choosing it; so does the signed-in customer's profile
            # (set at sign-in, or changed elsewhere): the head script (`esim_app.i18n.language_guard`)
            # cannot see the profile, only this cookie, when it decides whether to hide English.
            self.chosen = lang
        self.alternates = alternates(self.router.url.path)
        return self._apply(lang)

    @rx.event
    async def choose(self, lang: str):
        """The header's language switcher: remembered in a cookie and, when signed in, in the profile;
        the page reloads its data in the new language (its on-load handlers run again)."""
        if not isinstance(lang, str) or not is_language(lang):
            return None
        self.chosen = lang
        identity = await (await self.get_state(AuthState))._current()
        if identity is not None and identity.role == "customer":
            await accounts.set_language(identity.principal_id, lang)
        params = {k: v for k, v in self.router.url.query_parameters.items() if k != "lang"}
        path = self.router.url.path or "/"
        return [self._apply(lang), rx.redirect(f"{path}?{urlencode({**params, 'lang': lang})}", replace=True)]


async def reader_language(state: rx.State) -> str:
    """The language the tab of `state` reads in."""
    return (await state.get_state(LocaleState)).lang
