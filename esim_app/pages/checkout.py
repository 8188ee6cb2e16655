"""`/checkout/[plan_ref]`: order summary, sign-in if needed, card entry, pay.

The card form is never taken out of the page, only hidden: a websocket reconnect (its web worker
died, the tab moved to another) sends the tab's state again and re-runs on_load, and for a moment
that state can lack the plan (a worker keeps a tab's newest state in memory for a few seconds); an
`rx.cond` would then unmount the card fields and mount empty ones, losing what the customer typed.

The order summary is drawn before the plan is loaded, its words without the plan's figures: the page is
prerendered once as a shell for every plan (`esim_app.routes.SHELL`), and a phone paints it before any
JavaScript runs; the figures fill their lines, kept for them, when the state arrives."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout
from esim_app.components.plans import currency_select, device_check_link
from esim_app.components.ui import button, button_link, card, section
from esim_app.i18n import t
from esim_app.state.catalog import DisplayCurrencyState
from esim_app.state.checkout import CARD_SELECTOR, CheckoutState, stripe_js_url

CARD_LABEL = "card-details-label"  # names the group Stripe's card fields are mounted in


def _line(label: str | rx.Var[str], value: rx.Var | str, **attrs) -> rx.Component:
    """A label and its value, a line high before the value is known."""
    return rx.hstack(rx.el.span(label, class_name="t-secondary"), rx.spacer(),
                     rx.el.span(value, min_height="1lh", **attrs), width="100%", align="start")


def _summary() -> rx.Component:
    plan = CheckoutState.plan
    return card(
        rx.vstack(
            rx.el.span(t("Your order"), class_name="t-caption"),
            rx.el.h2(plan.name, class_name="t-card", min_height="1lh"),
            _line(t("Data"), plan.data),
            _line(t("Validity"), plan.validity),
            _line(t("Works in"), CheckoutState.coverage_text, text_align="right"),
            _line(t("Top-ups"), rx.cond(plan, rx.cond(CheckoutState.supports_topup, t("Available"), t("Not available")), "")),
            rx.divider(),
            rx.hstack(rx.el.span(t("Total"), font_weight="700"), rx.spacer(),
                      rx.el.span(plan.price, class_name="price", font_size="1.75rem", min_height="1lh",
                                 custom_attrs={"data-testid": "checkout-total"}), width="100%", align="center"),
            rx.hstack(rx.spacer(), currency_select(CheckoutState.set_currency), width="100%"),
            rx.el.p(t("Validity starts when the eSIM first connects at your destination. Unused eSIMs can be "
                      "refunded from your account within {days} days; installed eSIMs cannot.",
                      days=DisplayCurrencyState.refund_days), class_name="t-secondary"),
            rx.callout(t("Your phone must support eSIM and be carrier-unlocked. Dial *#06#: if you see an EID, "
                         "it supports eSIM."), icon="smartphone", color_scheme="blue", size="1"),
            device_check_link(),
            spacing="3",
            align="stretch",
        ),
        custom_attrs={"data-testid": "checkout-summary"},
    )


def _payment() -> rx.Component:
    return card(
        rx.vstack(
            rx.el.h2(t("Pay by card"), class_name="t-card"),
            error_callout(CheckoutState.error, testid="payment-error"),
            rx.el.span(t("Card details"), id=CARD_LABEL, class_name="t-secondary"),
            rx.box(id=CARD_SELECTOR.removeprefix("#"), padding="0.9rem", border="1px solid var(--line)",
                   border_radius="0.75rem", background="var(--surface)", min_height="3rem",
                   role="group", custom_attrs={"data-testid": "card-element", "aria-labelledby": CARD_LABEL,
                                               "data-stripe-js": stripe_js_url()}),
            button(
                rx.cond(CheckoutState.paying, rx.spinner(size="2"), rx.icon("lock", size=16)),
                rx.cond(CheckoutState.paying, t("Processing…"),  # (hidden while there is no plan)
                        t("Pay {price}", price=rx.cond(CheckoutState.plan, CheckoutState.plan.price, ""))),
                on_click=CheckoutState.pay,
                disabled=CheckoutState.paying | ~CheckoutState.card_ready,
                width="100%",
                custom_attrs={"data-testid": "pay-button"},
            ),
            rx.el.p(t("Payments are processed by Stripe. We never see or store your card number."),
                    class_name="t-secondary"),
            spacing="3",
            align="stretch",
        ),
    )


def _sign_in() -> rx.Component:
    return card(
        rx.vstack(
            rx.el.h2(t("Sign in to pay"), class_name="t-card"),
            rx.el.p(t("We email you a one-time code; your eSIM will be in your account and your inbox."),
                    class_name="t-body t-muted"),
            button_link(t("Sign in or create an account"), CheckoutState.sign_in_href,
                        custom_attrs={"data-testid": "checkout-sign-in"}),
            spacing="3",
            align="start",
        )
    )


def _without_plan() -> rx.Component:
    """A plan no longer on sale (or an error), or sign-in for a top-up."""
    return rx.cond(
        CheckoutState.signed_in | (CheckoutState.topup_for == ""),
        card(rx.vstack(rx.el.p(rx.cond(CheckoutState.error != "", CheckoutState.error,
                                       t("This plan is no longer on sale.")), class_name="t-body"),
                       button_link(t("Find another plan"), "/", size="sm"), spacing="3", align="start")),
        _sign_in(),
    )


def checkout_page() -> rx.Component:
    return rx.fragment(
        rx.script(src="/checkout.js"),  # which loads Stripe.js when the card form is wanted
        section(
            rx.el.h1(t("Checkout"), class_name="t-section", margin_bottom="1.5rem"),
            rx.grid(
                rx.cond(CheckoutState.plan | ~CheckoutState.loaded, _summary(),
                        rx.box(_without_plan(), grid_column="1 / -1")),
                rx.cond(CheckoutState.plan & ~CheckoutState.signed_in, _sign_in()),
                rx.box(_payment(), display=rx.cond(CheckoutState.plan & CheckoutState.signed_in, "block", "none")),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="5",
                align="start",
            ),
        ),
    )
