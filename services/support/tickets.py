"""Support tickets: a customer opens one (optionally about an order), both sides reply, either closes.

Customer functions take the customer's id first and only ever see that customer's tickets and
orders: a ticket or order reference of someone else reads as "not found". Staff functions serve
the admin dashboard; a staff reply emails the customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.core import DEFAULT_LANGUAGE, db
from services.core.errors import ServiceError
from services.core.models import (
    Admin,
    AuditLog,
    Order,
    Package,
    SupportMessage,
    SupportTicket,
    TicketAuthor,
    TicketStatus,
    User,
)
from services.core.localize import package_title
from services.core.settings import get_settings
from services.notifications import outbox

MAX_SUBJECT = 200
MAX_BODY = 5000
MAX_OPEN_TICKETS = 10  # per customer; keeps a script from flooding the queue
MAX_PAGE_SIZE = 100
_SORT_COLUMNS = {
    "ref": SupportTicket.id,
    "subject": SupportTicket.subject,
    "status": SupportTicket.status,
    "updated": SupportTicket.updated_at,
}
SORT_KEYS = tuple(_SORT_COLUMNS)


class InvalidTicket(ServiceError):
    code = "invalid_ticket"


class SubjectMissing(InvalidTicket):
    code = "ticket_subject_missing"


class SubjectTooLong(InvalidTicket):
    code = "ticket_subject_too_long"


class MessageMissing(InvalidTicket):
    code = "ticket_message_missing"


class MessageTooLong(InvalidTicket):
    code = "ticket_message_too_long"


class OrderNotInAccount(InvalidTicket):
    code = "ticket_order_not_found"


class TooManyOpenTickets(InvalidTicket):
    code = "too_many_open_tickets"


class NotActiveStaff(InvalidTicket):
    code = "ticket_staff_only"


class TicketNotFound(ServiceError):
    code = "ticket_not_found"


@dataclass(frozen=True, slots=True)
class TicketSummary:
    ref: str
    subject: str
    status: str  # a TicketStatus value
    order_ref: str
    customer_email: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class MessageView:
    author: str  # customer, staff
    body: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TicketDetail:
    summary: TicketSummary
    messages: tuple[MessageView, ...]


@dataclass(frozen=True, slots=True)
class OrderChoice:
    """One of the customer's orders that a new ticket may be about."""

    ref: str
    plan_name: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TicketListQuery:
    """Which page of a ticket list, in which order (`sort` is a key of `SORT_KEYS`)."""

    sort: str = "updated"
    descending: bool = True
    page: int = 0
    page_size: int = 10


@dataclass(frozen=True, slots=True)
class TicketPage:
    rows: tuple[TicketSummary, ...]
    total: int  # tickets over all pages


@dataclass(frozen=True, slots=True)
class SupportPage:
    tickets: TicketPage
    orders: tuple[OrderChoice, ...]
    opened_ref: str = ""  # the ticket just opened, when there is one


def _subject(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise SubjectMissing("empty subject")
    if len(text) > MAX_SUBJECT:
        raise SubjectTooLong("subject too long", max_length=MAX_SUBJECT)
    return text


def _body(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise MessageMissing("empty message")
    if len(text) > MAX_BODY:
        raise MessageTooLong("message too long", max_length=MAX_BODY)
    return text


def _summary(ticket: SupportTicket, order_ref: str | None, email: str) -> TicketSummary:
    return TicketSummary(ticket.display_id or "", ticket.subject, TicketStatus(ticket.status).value, order_ref or "",
                         email, ticket.created_at, ticket.updated_at)  # type: ignore[arg-type]


def _tickets():
    return (
        select(SupportTicket, Order.display_id, User.email)
        .join(User, User.id == SupportTicket.user_id)
        .outerjoin(Order, Order.id == SupportTicket.order_id)
    )


def _detail(s: Session, ticket_id: int) -> TicketDetail:
    ticket, order_ref, email = s.exec(_tickets().where(SupportTicket.id == ticket_id)).one()
    messages = s.exec(
        select(SupportMessage).where(SupportMessage.ticket_id == ticket_id)
        .order_by(col(SupportMessage.created_at), col(SupportMessage.id))
    ).all()
    return TicketDetail(_summary(ticket, order_ref, email),
                        tuple(MessageView(m.author, m.body, m.created_at) for m in messages))  # type: ignore[arg-type]


def _locked_ticket(s: Session, ticket_ref: str, *, user_id: int | None) -> SupportTicket:
    query = select(SupportTicket).where(SupportTicket.display_id == (ticket_ref or "").strip().upper())
    if user_id is not None:
        query = query.where(SupportTicket.user_id == user_id)
    ticket = s.exec(query.with_for_update()).first()
    if ticket is None:
        raise TicketNotFound(f"no ticket {ticket_ref!r}")
    return ticket


def _add_message(s: Session, ticket: SupportTicket, *, author: TicketAuthor, body: str,
                 status: TicketStatus, admin_id: int | None = None) -> None:
    s.add(SupportMessage(ticket_id=ticket.id, author=author, body=body, admin_id=admin_id))
    ticket.status = status
    ticket.closed_at = None
    ticket.updated_at = sa.func.now()


# --- the customer's side --------------------------------------------------------------------


def open_ticket(user_id: int, *, subject: str, body: str, order_ref: str | None = None) -> TicketDetail:
    """A new ticket with its first message; `order_ref` must be one of this customer's orders."""
    subject, body = _subject(subject), _body(body)
    with db.session() as s, s.begin():
        s.exec(select(User.id).where(User.id == user_id).with_for_update()).one()  # one open_ticket at a time
        order_id = None
        if order_ref and order_ref.strip():
            order_id = s.exec(select(Order.id).where(Order.user_id == user_id,
                                                     Order.display_id == order_ref.strip().upper())).first()
            if order_id is None:
                raise OrderNotInAccount(f"order {order_ref!r} is not the customer's")
        still_open = s.exec(select(sa.func.count()).select_from(SupportTicket).where(
            SupportTicket.user_id == user_id, SupportTicket.status != TicketStatus.CLOSED)).one()
        if still_open >= MAX_OPEN_TICKETS:
            raise TooManyOpenTickets(f"{still_open} open tickets", limit=MAX_OPEN_TICKETS)
        ticket = SupportTicket(user_id=user_id, order_id=order_id, subject=subject, status=TicketStatus.OPEN)
        s.add(ticket)
        s.flush()
        s.add(SupportMessage(ticket_id=ticket.id, author=TicketAuthor.CUSTOMER, body=body))
        s.flush()
        return _detail(s, ticket.id)  # type: ignore[arg-type]


def reply(user_id: int, *, ticket_ref: str, body: str) -> TicketDetail:
    """The customer's reply; it (re)opens the ticket for staff."""
    body = _body(body)
    with db.session() as s, s.begin():
        ticket = _locked_ticket(s, ticket_ref, user_id=user_id)
        _add_message(s, ticket, author=TicketAuthor.CUSTOMER, body=body, status=TicketStatus.OPEN)
        s.flush()
        return _detail(s, ticket.id)  # type: ignore[arg-type]


def close_ticket(user_id: int, *, ticket_ref: str) -> TicketDetail:
    with db.session() as s, s.begin():
        ticket = _locked_ticket(s, ticket_ref, user_id=user_id)
        if ticket.status != TicketStatus.CLOSED:
            ticket.status, ticket.closed_at, ticket.updated_at = TicketStatus.CLOSED, sa.func.now(), sa.func.now()
        s.flush()
        return _detail(s, ticket.id)  # type: ignore[arg-type]


def list_tickets(user_id: int, *, page: TicketListQuery | None = None) -> TicketPage:
    """One page of the customer's tickets; by default the most recently active first."""
    query = page or TicketListQuery()
    column = _SORT_COLUMNS.get(query.sort, SupportTicket.updated_at)
    order = (col(column).desc(), col(SupportTicket.id).desc()) if query.descending else (col(column), col(SupportTicket.id))
    size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    with db.session() as s:
        total = s.exec(select(sa.func.count()).select_from(SupportTicket).where(SupportTicket.user_id == user_id)).one()
        rows = s.exec(_tickets().where(SupportTicket.user_id == user_id).order_by(*order)
                      .offset(max(0, query.page) * size).limit(size)).all()
        return TicketPage(tuple(_summary(*row) for row in rows), total)


def get_support_page(user_id: int, *, page: TicketListQuery | None = None,
                     lang: str = DEFAULT_LANGUAGE) -> SupportPage:
    """The support page: a page of the customer's tickets and the orders a new ticket may be about
    (plans named in `lang`)."""
    return SupportPage(list_tickets(user_id, page=page), tuple(list_order_choices(user_id, lang=lang)))


def open_ticket_from_page(user_id: int, *, subject: str, body: str, order_ref: str | None,
                          page: TicketListQuery | None = None, lang: str = DEFAULT_LANGUAGE) -> SupportPage:
    """Open a ticket, then the page again with it listed (`opened_ref`)."""
    opened = open_ticket(user_id, subject=subject, body=body, order_ref=order_ref)
    return replace(get_support_page(user_id, page=page, lang=lang), opened_ref=opened.summary.ref)


def list_order_choices(user_id: int, *, lang: str = DEFAULT_LANGUAGE) -> list[OrderChoice]:
    """The customer's orders, newest first, for the "about an order" picker (plans named in `lang`)."""
    with db.session() as s:
        rows = s.exec(select(Order.display_id, Package, Order.created_at)
                      .join(Package, Package.id == Order.package_id).where(Order.user_id == user_id)
                      .order_by(col(Order.created_at).desc(), col(Order.id).desc())).all()
        return [OrderChoice(ref or "", package_title(package, lang), created)  # type: ignore[arg-type]
                for ref, package, created in rows]


def get_ticket(user_id: int, *, ticket_ref: str) -> TicketDetail:
    with db.session() as s:
        ticket_id = s.exec(select(SupportTicket.id).where(
            SupportTicket.user_id == user_id, SupportTicket.display_id == (ticket_ref or "").strip().upper())).first()
        if ticket_id is None:
            raise TicketNotFound(f"no ticket {ticket_ref!r}")
        return _detail(s, ticket_id)


# --- staff (admin dashboard) ----------------------------------------------------------------


def list_all_tickets(*, status: TicketStatus | str | None = None) -> list[TicketSummary]:
    """Every customer's tickets, oldest activity first (the queue order), optionally one status."""
    query = _tickets().order_by(col(SupportTicket.updated_at), col(SupportTicket.id))
    if status is not None:
        query = query.where(SupportTicket.status == TicketStatus(status))
    with db.session() as s:
        return [_summary(*row) for row in s.exec(query).all()]


def get_ticket_as_staff(*, ticket_ref: str) -> TicketDetail:
    with db.session() as s:
        ticket_id = s.exec(select(SupportTicket.id).where(
            SupportTicket.display_id == (ticket_ref or "").strip().upper())).first()
        if ticket_id is None:
            raise TicketNotFound(f"no ticket {ticket_ref!r}")
        return _detail(s, ticket_id)


def staff_reply(admin_id: int, *, ticket_ref: str, body: str) -> TicketDetail:
    """A staff answer: the ticket waits for the customer, who is emailed the reply."""
    body = _body(body)
    with db.session() as s, s.begin():
        admin = s.get(Admin, admin_id)
        if admin is None or not admin.is_active:
            raise NotActiveStaff(f"admin {admin_id} is missing or inactive")
        ticket = _locked_ticket(s, ticket_ref, user_id=None)
        _add_message(s, ticket, author=TicketAuthor.STAFF, body=body, status=TicketStatus.AWAITING_CUSTOMER,
                     admin_id=admin_id)
        s.add(AuditLog(actor_type="admin", actor_id=admin_id, action="ticket.staff_reply", entity_type="ticket",
                       entity_id=ticket.display_id or str(ticket.id)))
        user = s.get(User, ticket.user_id)
        public_url = get_settings().public_url.rstrip("/")
        path = f"/account/support/{ticket.display_id}"
        outbox.enqueue_email(s, to=user.email, template="ticket_reply",  # type: ignore[union-attr]
                      context={"ticket_ref": ticket.display_id, "ticket_subject": ticket.subject, "body": body,
                               "ticket_url": f"{public_url}{path}"})
        s.flush()
        return _detail(s, ticket.id)  # type: ignore[arg-type]
