"""The currencies card of `/admin/settings`: every staff member sees them, owners offer, change or stop one.

Each handler checks the caller's role on the server and makes one `services.admin` call, which
checks that an owner makes the change and audits it.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.admin_ops import SETTINGS_ROLES
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError

MAX_INPUT = 20


@dataclass(frozen=True)
class CurrencyLine:
    code: str
    rate: str
    rounding: str
    sample: str
    always: bool


class CurrencySettingsState(AdminState):
    rows: list[CurrencyLine] = []
    editable: bool = False
    error: str = ""
    notice: str = ""

    def _show(self, view: admin.CurrenciesView) -> None:
        self.rows = [CurrencyLine(r.code, r.rate, r.rounding, r.sample, r.always) for r in view.rows]
        self.editable = view.editable

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", SETTINGS_ROLES)
        if redirect:
            self.rows = []
            return redirect
        self.error = self.notice = ""
        try:
            self._show(await admin.get_currencies(identity))
        except ServiceError as exc:
            self.error = message_for(exc)
        return None

    @rx.event
    async def save(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", SETTINGS_ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        code = str(form.get("code", ""))[:MAX_INPUT].strip().upper()
        try:
            self._show(await admin.save_currency(identity, code=code, rate=str(form.get("rate", ""))[:MAX_INPUT],
                                                 rounding=str(form.get("rounding", ""))[:MAX_INPUT],
                                                 ip=self.router.session.client_ip))
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = f"Customers can pay in {code}; prices in it follow the new rate at once."
        return None

    @rx.event
    async def stop(self, code: str):
        identity, redirect = await self._require("admin", SETTINGS_ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        try:
            self._show(await admin.stop_currency(identity, code=str(code)[:MAX_INPUT],
                                                 ip=self.router.session.client_ip))
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = f"Customers can no longer pay in {str(code)[:3].upper()}."
        return None
