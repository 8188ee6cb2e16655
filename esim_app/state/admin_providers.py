"""Providers in the admin dashboard (`/admin/providers`): health, runtime switch, balance, test, sync now.

Every staff role may look; owners and operations staff switch, test, set alert thresholds and sync.
Each handler resolves the staff session on the server, accepts only a provider this tab was shown,
and makes one service call, which checks the role again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError

ROLES = ("owner", "operations", "support", "finance")
OPERATORS = ("owner", "operations")
MAX_SYNC_LINES = 12


@dataclass(frozen=True)
class ProviderRow:
    provider_id: str
    name: str
    configured: bool
    enabled: bool
    state: str
    calls: str
    latency: str
    errors: str
    rate_limits: str
    success: str
    offers: str
    last_changed: str
    balance: str
    balance_low: bool
    threshold: str
    sync_error: str
    test_result: str


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC") if value else "never"


def _row(p: admin.ProviderStatusView, test_result: str) -> ProviderRow:
    c, k = p.calls, p.catalogue
    state = "Not configured" if not p.configured else ("On" if p.enabled else "Switched off")
    latency = f"p50 {c.p50_ms} ms · p95 {c.p95_ms} ms" if c.calls else "no calls"
    success = f"{c.success_percent}% of {c.orders} orders" if c.orders else "no orders"
    balance = p.balance or (f"unavailable ({p.balance_error})" if p.balance_error else "—")
    return ProviderRow(
        p.provider_id, p.name, p.configured, p.enabled, state, f"{c.calls} calls", latency,
        f"{c.errors} errors · {c.timeouts} timeouts", f"{c.rate_limit_hits} hits · {c.rate_limited} calls refused",
        success, f"{k.offers} offers · {k.on_sale} on sale · {k.best} best price", _when(k.last_changed_at),
        balance, p.balance_low, "" if p.low_balance_threshold is None else str(p.low_balance_threshold),
        p.sync_error or "", test_result)


class ProvidersState(AdminState):
    rows: list[ProviderRow] = []
    last_sync: str = ""
    can_act: bool = False
    syncing: bool = False
    sync_lines: list[str] = []
    error: str = ""
    notice: str = ""
    _tests: dict[str, str] = {}

    def _clear(self) -> None:
        self.rows, self.last_sync, self.can_act, self._tests = [], "", False, {}

    def _shown(self, provider_id: str) -> bool:
        return str(provider_id) in {r.provider_id for r in self.rows}

    def _name(self, provider_id: str) -> str:
        return next((r.name for r in self.rows if r.provider_id == provider_id), provider_id)

    async def _reload(self, identity) -> None:
        try:
            found = await admin.list_providers(identity)
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)
            return
        self.rows = [_row(p, self._tests.get(p.provider_id, "")) for p in found.providers]
        self.can_act = found.can_act
        run = found.last_sync
        self.last_sync = ("No catalogue sync yet." if run is None else
                          f"Last sync {_when(run.started_at)}: {run.processed} packages stored, {run.failed} failed"
                          + (f" ({run.error})" if run.error else "") + ("" if run.finished_at else " — running"))

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.error = ""
        await self._reload(identity)
        return None

    @rx.event
    async def set_enabled(self, provider_id: str, enabled: bool):
        identity, redirect = await self._require("admin", OPERATORS)
        if redirect:
            self._clear()
            return redirect
        if not self._shown(provider_id):
            return None
        self.error = self.notice = ""
        try:
            await admin.set_provider_enabled(identity, str(provider_id), bool(enabled),
                                             ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
        else:
            self.notice = (f"{self._name(provider_id)} switched {'on' if enabled else 'off'}: new orders, failover "
                           "and the storefront follow now.")
        await self._reload(identity)
        return None

    @rx.event
    async def test_connection(self, provider_id: str):
        identity, redirect = await self._require("admin", OPERATORS)
        if redirect:
            self._clear()
            return redirect
        if not self._shown(provider_id):
            return None
        self.error = ""
        try:
            result = await admin.test_provider_connection(identity, str(provider_id))
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        verdict = "Connected" if result.ok else "Failed"
        self._tests = {**self._tests, result.provider_id: f"{verdict} in {result.latency_ms} ms: {result.detail}"}
        await self._reload(identity)
        return None

    @rx.event
    async def set_threshold(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", OPERATORS)
        if redirect:
            self._clear()
            return redirect
        provider_id = str(form.get("provider_id", ""))
        if not self._shown(provider_id):
            return None
        self.error = self.notice = ""
        try:
            await admin.set_low_balance_threshold(identity, provider_id, str(form.get("threshold", ""))[:20],
                                                  ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = f"Low-balance alert for {self._name(provider_id)} saved."
        await self._reload(identity)
        return None

    @rx.event(background=True)
    async def sync_now(self):
        async with self:
            identity, redirect = await self._require("admin", OPERATORS)
            if redirect:
                self._clear()
                return redirect
            if self.syncing:
                return None
            self.syncing, self.sync_lines, self.error = True, [], ""
        try:
            async for line in admin.sync_catalogue_now(identity):
                async with self:
                    self.sync_lines = [*self.sync_lines, line][-MAX_SYNC_LINES:]
        except ServiceError as exc:
            async with self:
                self.error = message_for(exc)
        finally:
            async with self:
                self.syncing = False
        async with self:
            await self._reload(identity)
        return None
