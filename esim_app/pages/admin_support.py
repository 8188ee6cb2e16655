"""Support in the admin dashboard: the queue of refund requests waiting for staff (support and owners).

Approving refunds the customer's card; rejecting refunds nothing. Each asks for confirmation and a
note for the audit log. Support's refund limit is not built yet (support may approve any amount).
"""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, field, notice_callout
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.refund_queue import ROLES, RefundQueueState, RefundRequestRow

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


@admin_page("/admin/support", "Support", RefundQueueState.load, roles=ROLES)
def admin_support_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Refund requests in review", class_name="t-section"),
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
