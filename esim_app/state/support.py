"""Support tickets in the customer account: the list with a new-ticket form, and one ticket's thread.

Every handler resolves the caller from the session and passes only that user id to the services,
so a ticket or order reference sent by the browser can never reach someone else's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import CustomerState
from esim_app.state.locale import reader_language
from services import support
from services.core import N_, ServiceError, date_text, moment_text, translate

STATUS_LABELS = {"open": N_("Waiting for support"), "awaiting_customer": N_("Waiting for you"),
                 "closed": N_("Closed")}  # pages show them in the reader's language


@dataclass(frozen=True)
class TicketRow:
    ref: str
    subject: str
    status: str
    status_label: str
    order_ref: str
    updated: str


@dataclass(frozen=True)
class MessageRow:
    author: str
    body: str
    sent: str


@dataclass(frozen=True)
class OrderChoice:
    ref: str
    label: str


def _row(t: support.TicketSummary, lang: str) -> TicketRow:
    return TicketRow(t.ref, t.subject, t.status, STATUS_LABELS.get(t.status, t.status), t.order_ref,
                     moment_text(lang, t.updated_at))


class SupportState(TableState, CustomerState):
    tickets: list[TicketRow] = []
    order_choices: list[OrderChoice] = []
    error: str = ""
    notice: str = ""
    loaded: bool = False
    sort_key: str = "updated"
    _sortable: ClassVar[tuple[str, ...]] = support.SORT_KEYS

    def _query(self) -> support.TicketListQuery:
        return support.TicketListQuery(sort=self.sort_key, descending=self.descending, page=self.page,
                                       page_size=self.page_size)

    def _show(self, view: support.SupportPage, lang: str) -> None:
        self.tickets = [_row(t, lang) for t in view.tickets.rows]
        self.order_choices = [OrderChoice(o.ref, f"{o.ref} · {o.plan_name} · {date_text(lang, o.created_at)}")
                              for o in view.orders]

    async def _fetch_page(self) -> int:
        identity, _ = await self._require("customer")
        if identity is None:
            self.tickets = []
            return 0
        page = await support.list_tickets(identity.principal_id, page=self._query())
        lang = await reader_language(self)
        self.tickets = [_row(t, lang) for t in page.rows]
        return page.total

    @rx.event
    async def load(self):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        self.sort_key, self.descending, self.page = "updated", True, 0
        lang = await reader_language(self)
        view = await support.get_support_page(identity.principal_id, page=self._query(), lang=lang)
        self._show(view, lang)
        self._set_total(view.tickets.total)
        self.error, self.notice, self.loaded = "", "", True

    @rx.event
    async def open_ticket(self, form: dict[str, str]):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        self.page, lang = 0, await reader_language(self)
        try:
            view = await support.open_ticket(
                identity.principal_id, subject=str(form.get("subject", "")), body=str(form.get("body", "")),
                order_ref=str(form.get("order_ref", "")) or None, page=self._query(), lang=lang)
        except ServiceError as exc:
            self.error, self.notice = message_for(exc, lang), ""
            return
        self._show(view, lang)
        self._set_total(view.tickets.total)
        self.error, self.notice = "", translate(lang,
                                                "Ticket {ticket} is open. We usually answer within a day.",
                                                ticket=view.opened_ref)
        return [rx.set_value("subject", ""), rx.set_value("body", "")]


class TicketState(CustomerState):
    found: bool = False
    error: str = ""
    subject: str = ""
    status: str = ""
    status_label: str = ""
    about_order: str = ""
    messages: list[MessageRow] = []

    def _show(self, ticket: support.TicketDetail, lang: str) -> None:
        s = ticket.summary
        self.found, self.error = True, ""
        self.subject, self.status, self.about_order = s.subject, s.status, s.order_ref
        self.status_label = STATUS_LABELS.get(s.status, s.status)
        self.messages = [MessageRow(m.author, m.body, moment_text(lang, m.created_at)) for m in ticket.messages]

    def _ref(self) -> str:
        return str(self.ticket_ref)  # type: ignore[attr-defined]  (route argument)

    @rx.event
    async def load(self):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        try:
            self._show(await support.get_ticket(identity.principal_id, ticket_ref=self._ref()),
                       await reader_language(self))
        except ServiceError as exc:
            self.found, self.error, self.messages = False, message_for(exc, await reader_language(self)), []

    @rx.event
    async def send_reply(self, form: dict[str, str]):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        try:
            self._show(await support.reply(identity.principal_id, ticket_ref=self._ref(),
                                           body=str(form.get("body", ""))), await reader_language(self))
        except ServiceError as exc:
            self.error = message_for(exc, await reader_language(self))
            return
        return rx.set_value("reply_body", "")

    @rx.event
    async def close(self):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        try:
            self._show(await support.close_ticket(identity.principal_id, ticket_ref=self._ref()),
                       await reader_language(self))
        except ServiceError as exc:
            self.error = message_for(exc, await reader_language(self))
