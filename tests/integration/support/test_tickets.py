"""Tickets belong to one customer: opening, the reply thread, closing, and staff answers by email."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from esim_app.errors import message_for
from services.accounts import passwords
from services.core import db
from services.core.models import TicketStatus
from services.support import tickets as support
from services.support.tickets import InvalidTicket, TicketNotFound
from tests.integration.support.conftest import new_customer, new_order


def test_open_ticket_about_an_order_starts_a_thread(alice: int) -> None:
    order_ref = new_order(alice)
    ticket = support.open_ticket(alice, subject="  No data in Tokyo ", body="It says no service.", order_ref=order_ref)
    assert ticket.summary.ref.startswith("TKT") and ticket.summary.subject == "No data in Tokyo"
    assert (ticket.summary.status, ticket.summary.order_ref) == ("open", order_ref)
    assert [(m.author, m.body) for m in ticket.messages] == [("customer", "It says no service.")]
    assert [t.ref for t in support.list_tickets(alice).rows] == [ticket.summary.ref]


def test_reply_and_close_update_the_status(alice: int) -> None:
    ref = support.open_ticket(alice, subject="Question", body="Hello").summary.ref
    closed = support.close_ticket(alice, ticket_ref=ref)
    assert closed.summary.status == TicketStatus.CLOSED
    reopened = support.reply(alice, ticket_ref=ref.lower(), body="One more thing")
    assert reopened.summary.status == TicketStatus.OPEN
    assert [m.body for m in support.get_ticket(alice, ticket_ref=ref).messages] == ["Hello", "One more thing"]


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("", "body", "write a subject"),
        ("Subject", "   ", "write a message"),
        ("x" * 201, "body", "subject is too long: at most 200"),
        ("Subject", "x" * 5001, "message is too long: at most 5000"),
    ],
)
def test_empty_or_too_long_text_is_refused(alice: int, subject: str, body: str, message: str) -> None:
    with pytest.raises(InvalidTicket) as refused:
        support.open_ticket(alice, subject=subject, body=body)
    assert message in message_for(refused.value)


def test_another_customers_ticket_cannot_be_read_replied_to_or_closed(alice: int, bob: int) -> None:
    # given Alice's ticket
    ref = support.open_ticket(alice, subject="Private", body="My details").summary.ref
    # when Bob uses its reference, then it does not exist for him
    with pytest.raises(TicketNotFound):
        support.get_ticket(bob, ticket_ref=ref)
    with pytest.raises(TicketNotFound):
        support.reply(bob, ticket_ref=ref, body="Sneaky")
    with pytest.raises(TicketNotFound):
        support.close_ticket(bob, ticket_ref=ref)
    assert support.list_tickets(bob).total == 0
    detail = support.get_ticket(alice, ticket_ref=ref)
    assert detail.summary.status == "open" and [m.body for m in detail.messages] == ["My details"]


def test_another_customers_order_cannot_be_attached(alice: int, bob: int) -> None:
    order_ref = new_order(alice)
    with pytest.raises(support.OrderNotInAccount):
        support.open_ticket(bob, subject="About an order", body="Hi", order_ref=order_ref)
    assert support.list_tickets(bob).total == 0


def test_open_tickets_are_capped_per_customer(database_url: str) -> None:
    user = new_customer()
    for n in range(support.MAX_OPEN_TICKETS):
        support.open_ticket(user, subject=f"Ticket {n}", body="Hi")
    with pytest.raises(support.TooManyOpenTickets):
        support.open_ticket(user, subject="One more", body="Hi")


def test_staff_reply_waits_for_the_customer_and_emails_them(alice: int) -> None:
    admin_id = passwords.create_admin(f"support-{alice}@example.com", "a long admin passphrase", name="Support")
    ref = support.open_ticket(alice, subject="Roaming", body="Do I need roaming on?").summary.ref
    answered = support.staff_reply(admin_id, ticket_ref=ref, body="Yes, switch data roaming on for the eSIM.")
    assert answered.summary.status == TicketStatus.AWAITING_CUSTOMER
    assert [m.author for m in answered.messages] == ["customer", "staff"]
    assert ref in [t.ref for t in support.list_all_tickets(status="awaiting_customer")]
    assert ref not in [t.ref for t in support.list_all_tickets(status="open")]
    with db.get_engine().connect() as conn:
        mail = conn.execute(sa.text("SELECT to_address, subject, text_body FROM email_outbox "
                                    "WHERE template = 'ticket_reply' ORDER BY id DESC LIMIT 1")).one()
    assert ref in mail.subject and "switch data roaming on" in mail.text_body
    assert mail.to_address == answered.summary.customer_email


def test_staff_reply_needs_an_active_admin(alice: int) -> None:
    ref = support.open_ticket(alice, subject="Hi", body="Hello").summary.ref
    with pytest.raises(support.NotActiveStaff):
        support.staff_reply(987654321, ticket_ref=ref, body="Not staff")
