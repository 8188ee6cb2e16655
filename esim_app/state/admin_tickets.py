"""The tickets half of `/admin/support` and one ticket, `/admin/support/[ticket_ref]` (owners, support).

Every handler resolves the staff session and passes that identity to one service call, which checks
the role again. The ticket page acts only on the ticket it loaded (the reference is kept server-side),
and an assignee must be one of the staff members the page listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError

ROLES = ("owner", "support")
STATUS_LABELS = {"open": "Waiting for us", "awaiting_customer": "Waiting for the customer", "closed": "Closed"}
STATUS_FILTERS = ("", "open", "awaiting_customer", "closed")
MAX_BODY = 5000


@dataclass(frozen=True)
class StaffTicketRow:
    ref: str
    subject: str
    status: str
    status_label: str
    customer_email: str
    order_ref: str
    assignee: str
    updated: str


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class StaffMessageRow:
    author: str
    body: str
    sent: str


def _when(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC")


def _row(r: admin.StaffTicketRow) -> StaffTicketRow:
    return StaffTicketRow(r.ref, r.subject, r.status, STATUS_LABELS.get(r.status, r.status), r.customer_email,
                          r.order_ref, r.assignee or "Unassigned", _when(r.updated_at))


class AdminTicketsState(TableState, AdminState):
    tickets: list[StaffTicketRow] = []
    assignee_options: list[Option] = []
    status_filter: str = ""
    assignee_filter: str = ""
    error: str = ""
    page_size: int = 25
    _sortable: ClassVar[tuple[str, ...]] = ()

    async def _fetch_page(self) -> int:
        identity, _ = await self._require("admin", ROLES)
        if identity is None:
            self.tickets, self.assignee_options = [], []
            return 0
        try:
            found = await admin.list_tickets(identity, admin.TicketFilter(
                self.status_filter, self.assignee_filter, self.page, self.page_size))
        except ServiceError as exc:
            self.tickets, self.error = [], message_for(exc)
            return 0
        self.error = ""
        self.tickets = [_row(r) for r in found.rows]
        self.assignee_options = [Option("", "Anyone"), Option("me", "Me"), Option("unassigned", "Unassigned"),
                                 *[Option(str(a.id), a.email) for a in found.assignees]]
        return found.total

    @rx.event
    async def load(self):
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self.tickets = []
            return redirect
        await self._refresh()
        return None

    @rx.event
    async def filter_status(self, value: str):
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            return redirect
        self.status_filter = value if value in STATUS_FILTERS else ""
        self.page = 0
        await self._refresh()
        return None

    @rx.event
    async def filter_assignee(self, value: str):
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            return redirect
        self.assignee_filter = value if value in {o.value for o in self.assignee_options} else ""
        self.page = 0
        await self._refresh()
        return None


class AdminTicketState(AdminState):
    found: bool = False
    ref: str = ""
    subject: str = ""
    status: str = ""
    status_label: str = ""
    customer_email: str = ""
    order_ref: str = ""
    assignee: str = ""  # the assignee's id as text, "" for nobody
    assignee_options: list[Option] = []
    messages: list[StaffMessageRow] = []
    error: str = ""
    notice: str = ""

    def _show(self, view: admin.StaffTicketView) -> None:
        summary = view.detail.summary
        self.found, self.ref, self.subject, self.status = True, summary.ref, summary.subject, summary.status
        self.status_label = STATUS_LABELS.get(summary.status, summary.status)
        self.customer_email, self.order_ref = summary.customer_email, summary.order_ref
        self.assignee = str(view.assignee_id) if view.assignee_id else ""
        self.assignee_options = [Option("", "Unassigned"), *[Option(str(a.id), a.email) for a in view.assignees]]
        self.messages = [StaffMessageRow("Support team" if m.author == "staff" else "Customer", m.body, _when(m.created_at))
                         for m in view.detail.messages]

    def _clear(self) -> None:
        self.found, self.ref, self.messages, self.assignee_options = False, "", [], []
        self.subject = self.customer_email = self.order_ref = ""

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", ROLES)
        self._clear()
        self.error = self.notice = ""
        if redirect:
            return redirect
        try:
            self._show(await admin.get_ticket(identity, str(self.ticket_ref)[:32]))  # type: ignore[attr-defined]
        except ServiceError as exc:
            self.error = message_for(exc)
        return None

    async def _act(self, call, notice: str):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        if not self.found:
            return None
        self.error = self.notice = ""
        try:
            self._show(await call(identity))
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = notice
        return None

    @rx.event
    async def send_reply(self, form: dict[str, str]):
        body = str(form.get("body", ""))[:MAX_BODY + 1]
        result = await self._act(lambda identity: admin.reply_to_ticket(identity, self.ref, body),
                                 "Reply sent; the customer was emailed.")
        return result or (rx.set_value("reply_body", "") if not self.error and self.found else None)

    @rx.event
    async def assign(self, value: str):
        if value not in {o.value for o in self.assignee_options}:
            return None
        target = int(value) if value else None
        return await self._act(lambda identity: admin.assign_ticket(identity, self.ref, target,
                                                                    ip=self.router.session.client_ip),
                               "Assignment saved.")

    @rx.event
    async def close(self):
        return await self._act(lambda identity: admin.set_ticket_closed(identity, self.ref, True,
                                                                        ip=self.router.session.client_ip),
                               "Ticket closed.")

    @rx.event
    async def reopen(self):
        return await self._act(lambda identity: admin.set_ticket_closed(identity, self.ref, False,
                                                                        ip=self.router.session.client_ip),
                               "Ticket reopened.")
