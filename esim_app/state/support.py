"""Support tickets in the customer account: the list with a new-ticket form, and one ticket's thread.

Every handler resolves the caller from the session and passes only that user id to the services,
so a ticket or order reference sent by the browser can never reach someone else's data.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from esim_app.state.auth import CustomerState
from services.core.errors import ServiceError
from services.orders import esims
from services.support import tickets as support


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


def _when(value) -> str:
    return value.strftime("%d %b %Y %H:%M")


def _row(t: support.TicketSummary) -> TicketRow:
    return TicketRow(t.ref, t.subject, t.status, t.status_label, t.order_ref, _when(t.updated_at))


class SupportState(CustomerState):
    tickets: list[TicketRow] = []
    order_choices: list[OrderChoice] = []
    error: str = ""
    notice: str = ""
    loaded: bool = False

    @rx.event
    async def load(self):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        tickets, orders = await asyncio.gather(
            asyncio.to_thread(support.list_tickets, identity.principal_id),
            asyncio.to_thread(esims.list_orders, identity.principal_id),
        )
        self.tickets = [_row(t) for t in tickets]
        self.order_choices = [OrderChoice(o.ref, f"{o.ref} · {o.plan_name} · {o.created_on}") for o in orders]
        self.error, self.notice, self.loaded = "", "", True

    @rx.event
    async def open_ticket(self, form: dict[str, str]):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        try:
            ticket = await asyncio.to_thread(
                support.open_ticket, identity.principal_id, subject=str(form.get("subject", "")),
                body=str(form.get("body", "")), order_ref=str(form.get("order_ref", "")) or None)
        except ServiceError as exc:
            self.error, self.notice = str(exc), ""
            return
        self.error, self.notice = "", f"Ticket {ticket.summary.ref} is open. We usually answer within a day."
        self.tickets = [_row(t) for t in await asyncio.to_thread(support.list_tickets, identity.principal_id)]
        return [rx.set_value("subject", ""), rx.set_value("body", "")]


class TicketState(CustomerState):
    found: bool = False
    error: str = ""
    subject: str = ""
    status: str = ""
    status_label: str = ""
    about_order: str = ""
    messages: list[MessageRow] = []

    def _show(self, ticket: support.TicketDetail) -> None:
        s = ticket.summary
        self.found, self.error = True, ""
        self.subject, self.status, self.status_label, self.about_order = s.subject, s.status, s.status_label, s.order_ref
        self.messages = [MessageRow(m.author, m.body, _when(m.created_at)) for m in ticket.messages]

    def _ref(self) -> str:
        return str(self.ticket_ref)  # type: ignore[attr-defined]  (route argument)

    @rx.event
    async def load(self):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        try:
            self._show(await asyncio.to_thread(support.get_ticket, identity.principal_id, ticket_ref=self._ref()))
        except ServiceError as exc:
            self.found, self.error, self.messages = False, str(exc), []

    @rx.event
    async def send_reply(self, form: dict[str, str]):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        try:
            self._show(await asyncio.to_thread(support.reply, identity.principal_id, ticket_ref=self._ref(),
                                               body=str(form.get("body", ""))))
        except ServiceError as exc:
            self.error = str(exc)
            return
        return rx.set_value("reply_body", "")

    @rx.event
    async def close(self):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        try:
            self._show(await asyncio.to_thread(support.close_ticket, identity.principal_id, ticket_ref=self._ref()))
        except ServiceError as exc:
            self.error = str(exc)
