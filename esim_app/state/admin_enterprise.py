"""Staff's companies page (`/admin/enterprise`): the list, creating a company, suspending or reactivating one.

Every handler resolves the staff session and passes the identity to one `services.admin` call, which
checks the staff role again (any staff role reads; owners, operations and finance change). Suspending
is two steps: `ask` picks a company from the rows this tab was shown, `confirm` does it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError, format_money, parse_money

READERS = ("owner", "operations", "finance", "support")
MANAGERS = tuple(admin.COMPANY_MANAGERS)
MAX_FIELD = 254


@dataclass
class CompanyRow:
    ref: str
    name: str
    contact_email: str
    status: str
    credit_limit: str
    users: int
    open_quotes: int
    created: str


def _row(c: admin.CompanySummary) -> CompanyRow:
    return CompanyRow(c.ref, c.name, c.contact_email, c.status, format_money(c.credit_limit_cents, c.currency),
                      c.users, c.open_quotes, c.created_at.astimezone(dt.UTC).strftime("%d %b %Y"))


class CompaniesState(TableState, AdminState):
    companies: list[CompanyRow] = []
    query: str = ""
    can_manage: bool = False
    creating: bool = False
    pending_ref: str = ""  # the company the confirm step is about
    pending_name: str = ""
    pending_suspend: bool = False
    error: str = ""
    notice: str = ""
    page_size: int = 25

    def _clear(self) -> None:
        self.companies, self.pending_ref, self.pending_name, self.can_manage = [], "", "", False
        self._set_total(0)

    async def _fetch_page(self) -> int:
        identity, redirect = await self._require("admin", READERS)
        if redirect:
            self.companies = []
            return 0
        found = await admin.list_companies(identity, query=self.query, page=self.page,  # type: ignore[arg-type]
                                           page_size=self.page_size)
        self.companies = [_row(c) for c in found.rows]
        return found.total

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", READERS)
        if redirect:
            self._clear()
            return redirect
        self.can_manage = bool(set(MANAGERS) & set(identity.roles))  # type: ignore[union-attr]
        self.pending_ref, self.error = "", ""
        await self._refresh()
        return None

    @rx.event
    async def search(self, form: dict[str, str]):
        _, redirect = await self._require("admin", READERS)
        if redirect:
            self._clear()
            return redirect
        self.query, self.page = str(form.get("query", ""))[:100], 0
        await self._refresh()
        return None

    @rx.event
    def toggle_create(self) -> None:
        self.creating, self.error, self.notice = not self.creating, "", ""

    @rx.event
    async def create(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", MANAGERS)
        if redirect:
            return redirect
        self.error = self.notice = ""
        limit = parse_money(str(form.get("credit_limit", "0") or "0")[:20], "USD")
        try:
            created = await admin.create_company(
                identity, str(form.get("name", ""))[:MAX_FIELD], str(form.get("email", ""))[:MAX_FIELD],  # type: ignore[arg-type]
                credit_limit_cents=-1 if limit is None else limit, ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.creating = False
        self.notice = f"{created.name} was created; we emailed an invitation to {created.contact_email}."
        await self._refresh()
        return None

    @rx.event
    async def ask(self, company_ref: str, suspend: bool):
        """The confirm step: remember which listed company to suspend or reactivate."""
        _, redirect = await self._require("admin", MANAGERS)
        if redirect:
            return redirect
        self.error = self.notice = ""
        shown = {c.ref: c.name for c in self.companies}
        self.pending_ref = str(company_ref) if str(company_ref) in shown else ""
        self.pending_name, self.pending_suspend = shown.get(self.pending_ref, ""), bool(suspend)
        return None

    @rx.event
    def cancel(self) -> None:
        self.pending_ref = self.pending_name = ""

    @rx.event
    async def confirm(self):
        identity, redirect = await self._require("admin", MANAGERS)
        if redirect:
            return redirect
        if not self.pending_ref:
            return None
        ref, suspend = self.pending_ref, self.pending_suspend
        self.pending_ref = self.error = ""
        try:
            changed = await admin.set_company_status(identity, ref, suspended=suspend,  # type: ignore[arg-type]
                                                     ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = (f"{changed.name} is suspended: its users are signed out and cannot sign in." if suspend
                       else f"{changed.name} is active again.")
        await self._refresh()
        return None
