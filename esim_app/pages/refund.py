"""The refund panel for an order page: `refund_panel()` shows itself only where a refund is possible."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, native_select
from esim_app.components.ui import button, card
from esim_app.i18n import t
from esim_app.state.refund import RefundState
from services.core import N_

HOW_IT_WORKS = N_("We first ask the network operator whether the eSIM is still unused and to cancel it. If it "
                  "confirms, we refund your card straight away. If it cannot confirm, our team reviews your "
                  "request before anything is refunded.")
IN_REVIEW = N_("We have received your refund request. The network operator could not confirm that this eSIM is "
               "unused and cancelled, so our team is reviewing it; nothing has been refunded yet. We will email "
               "you when the refund is made, and this page shows the outcome.")
REJECTED = N_("Our team reviewed your refund request and could not refund this order. If you have questions, "
              "please open a support ticket.")
REASONS = (N_("My trip was cancelled or changed"), N_("I bought the wrong plan"), N_("My phone does not support eSIM"),
           N_("I no longer need it"))  # the value sent stays English: staff read it


def refund_panel(order_ref: rx.Var[str] | None = None) -> rx.Component:
    """Ask for a refund of a never-installed eSIM. `order_ref` defaults to the `/orders/[order_ref]` route argument."""
    ref = order_ref if order_ref is not None else rx.State.order_ref  # type: ignore[attr-defined]
    return rx.box(
        rx.cond(
            RefundState.refunded,
            rx.callout(rx.cond(RefundState.notice != "", RefundState.notice, t("This order was refunded.")),
                       icon="circle-check", color_scheme="green", width="100%",
                       custom_attrs={"data-testid": "refund-done"}),
            rx.cond(RefundState.in_review, rx.callout(t(IN_REVIEW), icon="clock", color_scheme="amber", width="100%",
                                                      custom_attrs={"data-testid": "refund-review"}),
                    rx.cond(RefundState.rejected,
                            rx.callout(t(REJECTED), icon="info", width="100%",
                                       custom_attrs={"data-testid": "refund-rejected"}),
                            _request_form())),
        ),
        on_mount=RefundState.load(ref),
        width="100%",
    )


def _request_form() -> rx.Component:
    """The request form, shown while the order is eligible."""
    return rx.cond(
        RefundState.eligible,
        card(
            rx.form(
                rx.vstack(
                    rx.el.h2(t("Need a refund?"), class_name="t-card"),
                    rx.el.p(t("If you have not installed this eSIM, you can ask for a full refund until {date}.",
                              date=RefundState.deadline), " ", t(HOW_IT_WORKS), class_name="t-secondary"),
                    rx.el.label(t("Reason"), html_for="reason", class_name="t-secondary"),
                    native_select("reason", *[rx.el.option(t(r), value=r) for r in REASONS]),
                    error_callout(RefundState.error, testid="refund-error"),
                    button(rx.cond(RefundState.busy, t("Checking…"), t("Request a refund")), type="submit",
                           variant="secondary", size="sm", disabled=RefundState.busy,
                           custom_attrs={"data-testid": "refund-button"}),
                    spacing="2",
                    align="stretch",
                ),
                on_submit=RefundState.request,
            ),
            width="100%",
            max_width="32rem",
        ),
    )
