"""The first on-load step of a storefront page without a loader of its own: who the visitor is, what they
read, what they pay in (`esim_app.state.catalog.visit`).

One event instead of three (`AuthState` identifying the session, `LocaleState` negotiating the
language, `DisplayCurrencyState` loading the currencies): each event a page load queues costs the
web worker a state lock, a state fetch and a delta of its own, and `bench/load.py` measured that
overhead as a large part of a page load's server CPU. The catalogue pages' loaders (landing, country,
region, global, plan) run the visit themselves, so those pages load in one event.
"""

from __future__ import annotations

import reflex as rx

from esim_app.state.catalog import visit


class StorefrontState(rx.State):
    @rx.event
    async def visit(self):
        """Resolve the session, then the language, then the currency (`esim_app.state.catalog.visit`)."""
        return await visit(self)
