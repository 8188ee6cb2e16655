"""Support in the customer account: tickets with a new-ticket form, and one ticket's thread."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, field, native_select, notice_callout
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.i18n import t
from esim_app.pages.templates import account_page
from esim_app.state.support import STATUS_LABELS, MessageRow, OrderChoice, SupportState, TicketRow, TicketState

TICKET_COLORS = {"open": "blue", "awaiting_customer": "amber", "closed": "gray"}
TICKET_COLUMNS = (Column(t("Ticket"), "ref"), Column(t("Subject"), "subject"), Column(t("Order")),  # type: ignore[arg-type]
                  Column(t("Last activity"), "updated"), Column(t("Status"), "status"))  # type: ignore[arg-type]


def _ticket_badge(status: rx.Var[str], label: rx.Var[str]) -> rx.Component:
    """The status in the reader's language (`label`, English, for a status the page does not know)."""
    words = rx.match(status, *[(key, t(text)) for key, text in STATUS_LABELS.items()], label)
    return rx.badge(words, color_scheme=rx.match(status, *TICKET_COLORS.items(), "gray"), size="2")


def _title(text) -> rx.Component:
    return rx.el.h1(text, class_name="t-section", font_size="2rem", margin_bottom="1.5rem")


def _ticket_row(ticket: TicketRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.el.a(ticket.ref, href="/account/support/" + ticket.ref, font_weight="600")),
        rx.table.cell(ticket.subject),
        rx.table.cell(ticket.order_ref),
        rx.table.cell(ticket.updated),
        rx.table.cell(_ticket_badge(ticket.status, ticket.status_label)),
        custom_attrs={"data-testid": "ticket-row"},
    )


def _tickets_table() -> rx.Component:
    return data_table(SupportState, TICKET_COLUMNS, SupportState.tickets, _ticket_row,
                      empty=rx.el.p(t("You have no tickets. Ask us anything below."), class_name="t-muted"))


def _order_option(choice: OrderChoice) -> rx.Component:
    return rx.el.option(choice.label, value=choice.ref)


def _new_ticket_form() -> rx.Component:
    return card(
        rx.form(
            rx.vstack(
                rx.el.h2(t("Open a ticket"), class_name="t-card"),
                field(t("Subject"), "subject", max_length=200, required=True, placeholder=t("e.g. No data after landing")),
                rx.vstack(
                    rx.el.label(t("About an order (optional)"), html_for="order_ref", class_name="t-secondary"),
                    native_select("order_ref", rx.el.option(t("No particular order"), value=""),
                                  rx.foreach(SupportState.order_choices, _order_option)),
                    spacing="1", width="100%", align="stretch",
                ),
                rx.vstack(
                    rx.el.label(t("Message"), html_for="body", class_name="t-secondary"),
                    rx.text_area(name="body", id="body", rows="5", max_length=5000, required=True, width="100%",
                                 placeholder=t("Tell us what happened, and on which phone.")),
                    spacing="1", width="100%", align="stretch",
                ),
                error_callout(SupportState.error),
                notice_callout(SupportState.notice),
                button(t("Send"), type="submit", size="sm", custom_attrs={"data-testid": "new-ticket"}),
                spacing="3",
                align="stretch",
            ),
            on_submit=SupportState.open_ticket,
        ),
        max_width="40rem",
    )


@account_page("/account/support", t("Support"), SupportState.load)
def support_page() -> rx.Component:
    return rx.vstack(
        _title(t("Support")),
        _tickets_table(),
        _new_ticket_form(),
        spacing="5",
        align="stretch",
    )


def _message(message: MessageRow) -> rx.Component:
    staff = message.author == "staff"
    return rx.box(
        rx.hstack(
            rx.el.span(rx.cond(staff, t("Support team"), t("You")), font_weight="600"),
            rx.el.span(message.sent, class_name="t-secondary"),
            spacing="3",
            align="baseline",
        ),
        rx.el.p(message.body, white_space="pre-wrap", margin_top="0.25rem"),
        padding="0.875rem 1rem",
        border_radius="0.75rem",
        background=rx.cond(staff, "var(--accent-3)", "var(--gray-3)"),
        margin_left=rx.cond(staff, "0", "2rem"),
        margin_right=rx.cond(staff, "2rem", "0"),
        custom_attrs={"data-testid": "ticket-message"},
    )


def _thread() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _title(TicketState.subject),
            rx.spacer(),
            _ticket_badge(TicketState.status, TicketState.status_label),
            width="100%",
            align="center",
        ),
        rx.cond(TicketState.about_order != "",
                rx.el.p(t("About order"), " ", rx.el.a(TicketState.about_order, href="/orders/" + TicketState.about_order),
                        class_name="t-secondary")),
        rx.foreach(TicketState.messages, _message),
        card(
            rx.form(
                rx.vstack(
                    rx.el.label(t("Your reply"), html_for="reply_body", class_name="t-secondary"),
                    rx.text_area(name="body", id="reply_body", rows="4", max_length=5000, required=True,
                                 width="100%"),
                    error_callout(TicketState.error),
                    rx.hstack(
                        button(t("Send reply"), type="submit", size="sm", custom_attrs={"data-testid": "send-reply"}),
                        rx.cond(TicketState.status != "closed",
                                button(t("Close ticket"), type="button", variant="secondary", size="sm",
                                       on_click=TicketState.close, custom_attrs={"data-testid": "close-ticket"})),
                        spacing="3",
                    ),
                    spacing="2",
                    align="stretch",
                ),
                on_submit=TicketState.send_reply,
            ),
        ),
        rx.el.a(t("← All tickets"), href="/account/support", class_name="t-secondary"),
        spacing="4",
        align="stretch",
        max_width="48rem",
    )


@account_page("/account/support/[ticket_ref]", t("Support ticket"), TicketState.load)
def ticket_page() -> rx.Component:
    return rx.cond(
        TicketState.found,
        _thread(),
        rx.cond(TicketState.error != "", rx.el.p(TicketState.error, class_name="t-muted"), rx.spinner()),
    )
