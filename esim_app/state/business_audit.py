"""`/business/audit`: the company's audit log, for company admins (the service checks the role again)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import EnterpriseState
from services import enterprise
from services.core import ServiceError

READERS = ("admin",)
MAX_FILTER = 100


@dataclass
class CompanyAuditRow:
    id: int
    when: str
    actor: str
    action: str
    subject: str
    ip: str
    details: str


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


class BusinessAuditState(TableState, EnterpriseState):
    entries: list[CompanyAuditRow] = []
    action_filter: str = ""
    error: str = ""
    page_size: int = 25
    _sortable: ClassVar[tuple[str, ...]] = ()

    async def _fetch_page(self) -> int:
        identity, _ = await self._require("enterprise", READERS)
        if identity is None:
            self.entries = []
            return 0
        try:
            found = await enterprise.list_company_audit(identity, action=self.action_filter, page=self.page,
                                                        page_size=self.page_size)
        except ServiceError as exc:
            self.entries, self.error = [], message_for(exc)
            return 0
        self.error = ""
        self.entries = [CompanyAuditRow(e.id, _when(e.created_at), e.actor, e.action, e.subject, e.ip, e.details)
                        for e in found.rows]
        return found.total

    @rx.event
    async def load(self):
        _, redirect = await self._require("enterprise", READERS)
        if redirect:
            self.entries = []
            return redirect
        await self._refresh()
        return None

    @rx.event
    async def apply_filter(self, form: dict[str, str]):
        _, redirect = await self._require("enterprise", READERS)
        if redirect:
            self.entries = []
            return redirect
        self.action_filter, self.page = str(form.get("action", ""))[:MAX_FILTER].strip(), 0
        await self._refresh()
        return None
