"""Sandbox-only pages: `esim_app.py` imports this module only while mail stays in the outbox
(never in production, nor with SMTP_HOST set); the guard in `esim_app/http/api.py` and the inbox
service answer only clients on the server's own machine."""

import reflex as rx

from esim_app.components.ui import card, section, section_title
from esim_app.pages.templates import storefront_page
from esim_app.state.inbox import InboxRow, InboxState


def _message(m: InboxRow) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(rx.el.strong(m.subject), rx.spacer(), rx.el.span(m.when, class_name="t-secondary"),
                      width="100%", wrap="wrap"),
            rx.el.span("To " + m.recipient + " · " + m.status, class_name="t-secondary"),
            rx.el.pre(m.body, white_space="pre-wrap", font_size="0.875rem", margin="0",
                      font_family="ui-monospace, SFMono-Regular, Menlo, monospace"),
            spacing="2",
            align="start",
            width="100%",
        ),
        custom_attrs={"data-testid": "inbox-message"},
    )


@storefront_page("/sandbox/inbox", "Sandbox inbox", InboxState.load, indexed=False)
def inbox_page() -> rx.Component:
    return section(
        section_title("Sandbox inbox", "Mail the store sent while no SMTP server is configured.",
                      eyebrow="Development"),
        rx.hstack(rx.el.button(rx.icon("refresh-cw", size=16), "Refresh", class_name="btn btn-secondary btn-sm",
                               on_click=InboxState.load), margin_bottom="1rem"),
        rx.cond(InboxState.error != "", rx.el.p(InboxState.error, class_name="t-muted", role="alert")),
        rx.cond(InboxState.messages.length() > 0,
                rx.vstack(rx.foreach(InboxState.messages, _message), spacing="3", align="stretch"),
                rx.el.p("No mail yet.", class_name="t-muted")),
    )
