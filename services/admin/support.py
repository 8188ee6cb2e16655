"""The staff side of support tickets (owners and support): the queue with filters and assignment,
one ticket's thread, replies (the customer is emailed and sees the reply on their ticket page),
close and reopen. Assignment, closing and reopening are audited with before/after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.accounts.staff_access import active_staff, record
from services.admin.errors import InvalidAssignee, InvalidFilter
from services.core import db
from services.core.models import Admin, Order, StaffRole, SupportTicket, TicketStatus, User
from services.support import tickets
from services.support.tickets import TicketDetail, TicketNotFound

ROLES = (StaffRole.OWNER.value, StaffRole.SUPPORT.value)
ASSIGNABLE = ROLES  # who a ticket can be given to
MAX_PAGE_SIZE = 100
UNASSIGNED = "unassigned"
MINE = "me"


@dataclass(frozen=True, slots=True)
class TicketFilter:
    status: str = ""  # a TicketStatus value, or "" for every status
    assignee: str = ""  # "", "me", "unassigned", or a staff id as text
    page: int = 0
    page_size: int = 25


@dataclass(frozen=True, slots=True)
class StaffTicketRow:
    ref: str
    subject: str
    status: str
    customer_email: str
    order_ref: str
    assignee_id: int | None
    assignee: str  # the staff member's email, "" when unassigned
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Assignee:
    id: int
    email: str


@dataclass(frozen=True, slots=True)
class StaffTicketPage:
    rows: tuple[StaffTicketRow, ...]
    total: int
    assignees: tuple[Assignee, ...] = ()  # for the assignee filter


@dataclass(frozen=True, slots=True)
class StaffTicketView:
    detail: TicketDetail
    assignee_id: int | None
    assignees: tuple[Assignee, ...]  # who it can be assigned to


def _filters(f: TicketFilter, me: int) -> list[Any]:
    out = []
    if f.status:
        if f.status not in {s.value for s in TicketStatus}:
            raise InvalidFilter(f"no ticket status {f.status!r}")
        out.append(col(SupportTicket.status) == f.status)
    if f.assignee == MINE:
        out.append(col(SupportTicket.assigned_admin_id) == me)
    elif f.assignee == UNASSIGNED:
        out.append(col(SupportTicket.assigned_admin_id).is_(None))
    elif f.assignee:
        if not f.assignee.isdigit():
            raise InvalidFilter(f"no assignee {f.assignee!r}")
        out.append(col(SupportTicket.assigned_admin_id) == int(f.assignee))
    return out


def list_tickets(identity: Identity, query: TicketFilter | None = None) -> StaffTicketPage:
    """One page of every customer's tickets, waiting longest first, under the filters."""
    f = query or TicketFilter()
    size = max(1, min(f.page_size, MAX_PAGE_SIZE))
    with db.session() as s:
        me = active_staff(s, identity, ROLES)
        conditions = _filters(f, me.id)  # type: ignore[arg-type]
        total = s.exec(select(sa.func.count()).select_from(SupportTicket).where(*conditions)).one()
        rows = s.exec(
            select(SupportTicket, User.email, Order.display_id, Admin.email)
            .join(User, col(User.id) == SupportTicket.user_id)
            .outerjoin(Order, col(Order.id) == SupportTicket.order_id)
            .outerjoin(Admin, col(Admin.id) == SupportTicket.assigned_admin_id)
            .where(*conditions).order_by(col(SupportTicket.updated_at), col(SupportTicket.id))
            .offset(max(0, f.page) * size).limit(size)).all()
        assignees = list_assignees(s)
    return StaffTicketPage(tuple(
        StaffTicketRow(t.display_id or "", t.subject, t.status, email, order_ref or "", t.assigned_admin_id,
                       assignee or "", t.updated_at)  # type: ignore[arg-type]
        for t, email, order_ref, assignee in rows), total, assignees)


def list_assignees(s: Session) -> tuple[Assignee, ...]:
    rows = s.exec(select(Admin.id, Admin.email).where(col(Admin.is_active).is_(True),
                                                      col(Admin.staff_role).in_(ASSIGNABLE))
                  .order_by(col(Admin.email))).all()
    return tuple(Assignee(i, e) for i, e in rows)  # type: ignore[arg-type]


def get_ticket(identity: Identity, ticket_ref: str) -> StaffTicketView:
    with db.session() as s:
        active_staff(s, identity, ROLES)
        assignee = s.exec(select(SupportTicket.assigned_admin_id).where(
            col(SupportTicket.display_id) == (ticket_ref or "").strip().upper()[:16])).first()
        assignees = list_assignees(s)
    return StaffTicketView(tickets.get_ticket_as_staff(ticket_ref=ticket_ref), assignee, assignees)


def _locked(s: Session, ticket_ref: str) -> SupportTicket:
    ticket = s.exec(select(SupportTicket).where(col(SupportTicket.display_id) == (ticket_ref or "").strip().upper()[:16])
                    .with_for_update()).first()
    if ticket is None:
        raise TicketNotFound(f"no ticket {ticket_ref!r}")
    return ticket


def assign(identity: Identity, ticket_ref: str, assignee_id: int | None, *, ip: str | None) -> StaffTicketView:
    """Give the ticket to an active owner or support member (None: nobody)."""
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, ROLES)
        if assignee_id is not None and assignee_id not in {a.id for a in list_assignees(s)}:
            raise InvalidAssignee(f"admin {assignee_id} cannot take tickets")
        ticket = _locked(s, ticket_ref)
        before = ticket.assigned_admin_id
        if before != assignee_id:
            ticket.assigned_admin_id = assignee_id
            record(s, actor.id, "ticket.assigned", entity="ticket", entity_id=ticket.display_id or ticket.id, ip=ip,  # type: ignore[arg-type]
                   before={"assignee_id": before}, after={"assignee_id": assignee_id})
    return get_ticket(identity, ticket_ref)


def set_closed(identity: Identity, ticket_ref: str, closed: bool, *, ip: str | None) -> StaffTicketView:
    """Close a ticket, or reopen it for staff."""
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, ROLES)
        ticket = _locked(s, ticket_ref)
        before = ticket.status
        after = TicketStatus.CLOSED.value if closed else TicketStatus.OPEN.value
        if before != after and (closed or before == TicketStatus.CLOSED):
            ticket.status, ticket.updated_at = after, sa.func.now()
            ticket.closed_at = sa.func.now() if closed else None
            record(s, actor.id, "ticket.closed" if closed else "ticket.reopened", entity="ticket",
                   entity_id=ticket.display_id or ticket.id, ip=ip, before={"status": before}, after={"status": after})  # type: ignore[arg-type]
    return get_ticket(identity, ticket_ref)


def reply(identity: Identity, ticket_ref: str, body: str) -> StaffTicketView:
    """Answer the customer (emailed; the ticket then waits for them); the reply is audited by `tickets`."""
    with db.session() as s:
        actor = active_staff(s, identity, ROLES)
    tickets.staff_reply(actor.id, ticket_ref=ticket_ref, body=body)  # type: ignore[arg-type]
    return get_ticket(identity, ticket_ref)
