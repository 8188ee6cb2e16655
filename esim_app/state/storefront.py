"""The first on-load step of every storefront page: who the visitor is, what they read, what they pay in.

One event instead of three (`AuthState` identifying the session, `LocaleState` negotiating the
language, `DisplayCurrencyState` loading the currencies): each event a page load queues costs the
web worker a state lock, a state fetch and a delta of its own, and `bench/load.py` measured that
overhead as a large part of a page load's server CPU.
"""

from __future__ import annotations

import logging

import reflex as rx

from esim_app.state.auth import AuthState
from esim_app.state.catalog import DisplayCurrencyState
from esim_app.state.locale import LocaleState

log = logging.getLogger(__name__)


class StorefrontState(rx.State):
    @rx.event
    async def visit(self):
        """Resolve the session (for the header), then the language, then the currency; in that order,
        as the language and the currency may come from the signed-in customer's profile."""
        auth = await self.get_state(AuthState)
        identity = await auth._current()
        language = (await self.get_state(LocaleState))._negotiate(auth)
        try:
            await (await self.get_state(DisplayCurrencyState))._load(identity)
        except Exception:  # the database is away: the page keeps its default currency, and still its language
            log.exception("storefront visit: the display currencies did not load")
        return language
