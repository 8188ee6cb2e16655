"""Support in the admin dashboard (support and owners): the ticket queue with filters and assignment,
one ticket's thread with replies, close and reopen (`/admin/support/[ticket_ref]`), and the queue of
refund requests waiting for staff.

Approving a refund request refunds the customer's card; rejecting refunds nothing. Each asks for
confirmation and a note for the audit log. Support staff cannot approve above the store's support
refund limit (Settings); owners and operations can.
"""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, field, native_select, notice_callout
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_tickets import AdminTicketsState, AdminTicketState, Option, StaffMessageRow, StaffTicketRow
from esim_app.state.refund_queue import ROLES, RefundQueueState, RefundRequestRow

TICKET_COLORS = {"open": "blue", "awaiting_customer": "amber", "closed": "gray"}
TICKET_COLUMNS = (Column("Ticket"), Column("Subject"), Column("Customer"), Column("Order"), Column("Assigned to"),
                  Column("Last activity"), Column("Status"))
STATUS_OPTIONS = (("", "Any status"), ("open", "Waiting for us"), ("awaiting_customer", "Waiting for the customer"),
                  ("closed", "Closed"))


def _badge(status: rx.Var[str], label: rx.Var[str]) -> rx.Component:
    return rx.badge(label, color_scheme=rx.match(status, *TICKET_COLORS.items(), "gray"),
                    custom_attrs={"data-testid": "ticket-status"})


def _option(o: Option) -> rx.Component:
    return rx.el.option(o.label, value=o.value)


def _ticket_row(t: StaffTicketRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.el.a(t.ref, href="/admin/support/" + t.ref, font_weight="600")),
        rx.table.cell(t.subject),
        rx.table.cell(t.customer_email),
        rx.table.cell(t.order_ref),
        rx.table.cell(t.assignee),
        rx.table.cell(t.updated),
        rx.table.cell(_badge(t.status, t.status_label)),
        custom_attrs={"data-testid": "ticket-row"},
    )


def _labelled(label: str, name: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.el.label(label, html_for=name, class_name="t-secondary"), control, spacing="1",
                     min_width="12rem")


def _ticket_filters() -> rx.Component:
    return rx.hstack(
        _labelled("Status", "ticket_status", native_select(
            "ticket_status", *[rx.el.option(label, value=value) for value, label in STATUS_OPTIONS],
            value=AdminTicketsState.status_filter, on_change=AdminTicketsState.filter_status,
            custom_attrs={"data-testid": "ticket-status-filter"})),
        _labelled("Assigned to", "ticket_assignee", native_select(
            "ticket_assignee", rx.foreach(AdminTicketsState.assignee_options, _option),
            value=AdminTicketsState.assignee_filter, on_change=AdminTicketsState.filter_assignee,
            custom_attrs={"data-testid": "ticket-assignee-filter"})),
        spacing="3", wrap="wrap",
    )


def _tickets_section() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Tickets", class_name="t-section"),
        _ticket_filters(),
        error_callout(AdminTicketsState.error, testid="tickets-error"),
        rx.box(data_table(AdminTicketsState, TICKET_COLUMNS, AdminTicketsState.tickets, _ticket_row,
                          empty="No tickets match these filters."), overflow_x="auto", width="100%"),
        spacing="3", align="stretch", width="100%",
    )

COLUMNS = (Column("Order"), Column("Customer"), Column("Amount"), Column("Why review"), Column("Reason"),
           Column("Requested"), Column(""))


def _request_row(r: RefundRequestRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r.order_ref, font_weight="600"),
        rx.table.cell(r.customer_email),
        rx.table.cell(r.amount),
        rx.table.cell(r.why),
        rx.table.cell(r.reason),
        rx.table.cell(r.requested_at),
        rx.table.cell(rx.hstack(
            button("Approve", size="sm", type="button", on_click=RefundQueueState.ask(r.order_ref, True),
                   custom_attrs={"data-testid": "approve-refund"}),
            button("Reject", variant="ghost", size="sm", type="button",
                   on_click=RefundQueueState.ask(r.order_ref, False), custom_attrs={"data-testid": "reject-refund"}),
            spacing="2",
        )),
        custom_attrs={"data-testid": "refund-request-row"},
    )


def _confirm() -> rx.Component:
    verb = rx.cond(RefundQueueState.pending_approve, "Approve and refund the card for ", "Reject the request for ")
    return rx.cond(
        RefundQueueState.pending_ref != "",
        card(
            rx.form(
                rx.vstack(
                    rx.el.h2(verb, RefundQueueState.pending_ref, "?", class_name="t-card"),
                    field("Note for the audit log", "note", testid="refund-note", max_length=500, required=True,
                          placeholder="e.g. Cancelled with the provider by hand"),
                    rx.hstack(
                        button("Confirm", type="submit", size="sm", disabled=RefundQueueState.busy,
                               custom_attrs={"data-testid": "confirm-action"}),
                        button("Cancel", variant="ghost", size="sm", type="button", on_click=RefundQueueState.cancel,
                               custom_attrs={"data-testid": "cancel-action"}),
                        spacing="2",
                    ),
                    spacing="3",
                    align="stretch",
                ),
                on_submit=RefundQueueState.decide,
                reset_on_submit=True,
            ),
            max_width="40rem",
        ),
    )


@admin_page("/admin/support", "Support", AdminTicketsState.load, RefundQueueState.load, roles=ROLES)
def admin_support_page() -> rx.Component:
    return rx.vstack(
        _tickets_section(),
        rx.el.h2("Refund requests in review", class_name="t-section", margin_top="1.5rem"),
        rx.el.p("The provider could not confirm these eSIMs were unused and cancelled. Approving refunds the "
                "card (cancel with the provider by hand where needed); rejecting refunds nothing.",
                class_name="t-body t-muted"),
        error_callout(RefundQueueState.error, testid="refund-error"),
        notice_callout(RefundQueueState.notice),
        _confirm(),
        data_table(RefundQueueState, COLUMNS, RefundQueueState.requests, _request_row,
                   empty="No refund requests are waiting for review."),
        spacing="4",
        align="stretch",
        width="100%",
    )


def _message(m: StaffMessageRow) -> rx.Component:
    staff = m.author == "Support team"
    return rx.box(
        rx.hstack(rx.el.span(m.author, font_weight="600"), rx.el.span(m.sent, class_name="t-secondary"),
                  spacing="3", align="baseline", wrap="wrap"),
        rx.el.p(m.body, white_space="pre-wrap", margin_top="0.25rem"),
        padding="0.875rem 1rem", border_radius="0.75rem",
        background=rx.cond(staff, "var(--accent-3)", "var(--gray-3)"),
        custom_attrs={"data-testid": "ticket-message"},
    )


def _ticket_actions() -> rx.Component:
    return rx.hstack(
        _labelled("Assigned to", "assignee", native_select(
            "assignee", rx.foreach(AdminTicketState.assignee_options, _option), value=AdminTicketState.assignee,
            on_change=AdminTicketState.assign, custom_attrs={"data-testid": "assign-ticket"})),
        rx.cond(AdminTicketState.status == "closed",
                button("Reopen", size="sm", variant="secondary", type="button", on_click=AdminTicketState.reopen,
                       custom_attrs={"data-testid": "reopen-ticket"}),
                button("Close ticket", size="sm", variant="secondary", type="button", on_click=AdminTicketState.close,
                       custom_attrs={"data-testid": "close-ticket"})),
        spacing="3", align="end", wrap="wrap",
    )


def _ticket_thread() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.el.h1(AdminTicketState.subject, class_name="t-section"), rx.spacer(),
                  _badge(AdminTicketState.status, AdminTicketState.status_label), width="100%", align="center"),
        rx.el.p(AdminTicketState.ref, " · ", AdminTicketState.customer_email,
                rx.cond(AdminTicketState.order_ref != "", " · order " + AdminTicketState.order_ref, ""),
                class_name="t-secondary"),
        _ticket_actions(),
        notice_callout(AdminTicketState.notice),
        rx.foreach(AdminTicketState.messages, _message),
        card(rx.form(
            rx.vstack(
                rx.el.label("Reply to the customer (emailed to them)", html_for="reply_body", class_name="t-secondary"),
                rx.text_area(name="body", id="reply_body", rows="5", max_length=5000, required=True, width="100%",
                             custom_attrs={"data-testid": "reply-input"}),
                error_callout(AdminTicketState.error, testid="ticket-error"),
                button("Send reply", type="submit", size="sm", custom_attrs={"data-testid": "send-reply"}),
                spacing="2", align="stretch",
            ),
            on_submit=AdminTicketState.send_reply,
        )),
        rx.el.a("← All tickets", href="/admin/support", class_name="t-secondary"),
        spacing="4", align="stretch", max_width="52rem", width="100%",
    )


@admin_page("/admin/support/[ticket_ref]", "Support ticket", AdminTicketState.load, roles=ROLES)
def admin_ticket_page() -> rx.Component:
    return rx.cond(
        AdminTicketState.found,
        _ticket_thread(),
        rx.cond(AdminTicketState.error != "", error_callout(AdminTicketState.error, testid="ticket-error"),
                rx.spinner()),
    )
