"""Support tickets: customers open and answer them, staff reply; the public face for the UI.

Customer functions take the caller's id from the session and only ever reach that customer's
tickets and orders. Services, jobs and tests use `services.support.tickets` for the sync functions.
"""

from __future__ import annotations

import asyncio

from services.core import DEFAULT_LANGUAGE
from services.support import tickets
from services.support.tickets import (
    SORT_KEYS,
    InvalidTicket,
    MessageMissing,
    MessageTooLong,
    MessageView,
    NotActiveStaff,
    OrderChoice,
    OrderNotInAccount,
    SubjectMissing,
    SubjectTooLong,
    SupportPage,
    TicketDetail,
    TicketListQuery,
    TicketNotFound,
    TicketPage,
    TicketSummary,
    TooManyOpenTickets,
)


async def get_support_page(user_id: int, *, page: TicketListQuery | None = None,
                           lang: str = DEFAULT_LANGUAGE) -> SupportPage:
    """A page of the customer's tickets and the orders a new ticket may be about (plans named in `lang`)."""
    return await asyncio.to_thread(tickets.get_support_page, user_id, page=page, lang=lang)


async def list_tickets(user_id: int, *, page: TicketListQuery | None = None) -> TicketPage:
    """One page of the customer's tickets, sorted as asked."""
    return await asyncio.to_thread(tickets.list_tickets, user_id, page=page)


async def open_ticket(user_id: int, *, subject: str, body: str, order_ref: str | None,
                      page: TicketListQuery | None = None, lang: str = DEFAULT_LANGUAGE) -> SupportPage:
    """Open a ticket (optionally about one of the customer's orders); returns the refreshed page in `lang`."""
    return await asyncio.to_thread(tickets.open_ticket_from_page, user_id, subject=subject, body=body,
                                   order_ref=order_ref, page=page, lang=lang)


async def get_ticket(user_id: int, *, ticket_ref: str) -> TicketDetail:
    """One of the customer's tickets with its messages."""
    return await asyncio.to_thread(tickets.get_ticket, user_id, ticket_ref=ticket_ref)


async def reply(user_id: int, *, ticket_ref: str, body: str) -> TicketDetail:
    """The customer's reply; it (re)opens the ticket for staff."""
    return await asyncio.to_thread(tickets.reply, user_id, ticket_ref=ticket_ref, body=body)


async def close_ticket(user_id: int, *, ticket_ref: str) -> TicketDetail:
    """The customer closes the ticket."""
    return await asyncio.to_thread(tickets.close_ticket, user_id, ticket_ref=ticket_ref)


async def list_all_tickets(*, status: str | None = None) -> list[TicketSummary]:
    """Staff: every customer's tickets, the queue's order (oldest activity first)."""
    return await asyncio.to_thread(tickets.list_all_tickets, status=status)


async def get_ticket_as_staff(*, ticket_ref: str) -> TicketDetail:
    """Staff: any ticket with its messages."""
    return await asyncio.to_thread(tickets.get_ticket_as_staff, ticket_ref=ticket_ref)


async def staff_reply(admin_id: int, *, ticket_ref: str, body: str) -> TicketDetail:
    """Staff: answer a ticket; the customer is emailed."""
    return await asyncio.to_thread(tickets.staff_reply, admin_id, ticket_ref=ticket_ref, body=body)


__all__ = [
    "SORT_KEYS",
    "InvalidTicket",
    "MessageMissing",
    "MessageTooLong",
    "MessageView",
    "NotActiveStaff",
    "OrderChoice",
    "OrderNotInAccount",
    "SubjectMissing",
    "SubjectTooLong",
    "SupportPage",
    "TicketDetail",
    "TicketListQuery",
    "TicketNotFound",
    "TicketPage",
    "TicketSummary",
    "TooManyOpenTickets",
    "close_ticket",
    "get_support_page",
    "get_ticket",
    "get_ticket_as_staff",
    "list_all_tickets",
    "list_tickets",
    "open_ticket",
    "reply",
    "staff_reply",
]
