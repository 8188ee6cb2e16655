"""The top-up parts of `/business/esims`: a checkbox per eSIM that can take more data, and the card that
finds the top-ups fitting every chosen eSIM and places one, on account or by card (paid on the order's page)."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, native_select
from esim_app.components.ui import button, card
from esim_app.state.business_topup import BusinessTopupState, TopupChoice
from esim_app.state.esims import EsimRow, EsimsState

T = BusinessTopupState


def topup_checkbox(r: EsimRow) -> rx.Component:
    """Choose or drop this eSIM for a top-up (not for expired ones)."""
    return rx.cond(
        EsimsState.can_assign & (r.status != "expired"),
        rx.el.input(type="checkbox", checked=T.selected.contains(r.ref), on_change=T.toggle(r.ref),
                    aria_label="Top up " + r.iccid, custom_attrs={"data-testid": "topup-select"}),
    )


def _choice(offer: TopupChoice) -> rx.Component:
    return rx.el.option(offer.label, value=offer.slug)


def _offers_form() -> rx.Component:
    return rx.form(
        rx.flex(
            native_select("plan", rx.foreach(T.offers, _choice), custom_attrs={"data-testid": "topup-plan"},
                          aria_label="Top-up plan", flex="1", min_width="14rem"),
            native_select("payment", rx.el.option("On account (credit)", value="account"),
                          rx.el.option("By card", value="card"), default_value="account",
                          aria_label="Payment", custom_attrs={"data-testid": "topup-payment"}),
            button("Top up", type="submit", size="sm", custom_attrs={"data-testid": "topup-submit"}),
            gap="0.5rem", flex_wrap="wrap", align="center", width="100%",
        ),
        on_submit=T.place, reset_on_submit=False,
    )


def topup_card() -> rx.Component:
    """Shown while eSIMs are chosen, or after a top-up was placed."""
    chosen = rx.vstack(
        rx.el.h2("Top up ", T.selected.length(), " eSIMs", class_name="t-card",
                 custom_attrs={"data-testid": "topup-count"}),
        rx.hstack(
            button("Find top-ups", type="button", size="sm", on_click=T.find_offers,
                   custom_attrs={"data-testid": "topup-find"}),
            button("Clear", type="button", size="sm", variant="ghost", on_click=T.clear),
            spacing="2",
        ),
        rx.cond(T.offers.length() > 0, _offers_form(),
                rx.cond(T.searched, rx.el.p("No top-up fits all the chosen eSIMs. Choose eSIMs of one plan.",
                                            class_name="t-secondary", custom_attrs={"data-testid": "topup-none"}))),
        spacing="3", align="stretch", width="100%",
    )
    return rx.fragment(
        error_callout(T.error, testid="topup-error"),
        rx.cond(T.result != "", rx.callout(
            rx.hstack(rx.el.span(T.result), rx.link("See its progress", href=T.order_href), spacing="2",
                      flex_wrap="wrap"),
            icon="circle-check", color_scheme="green", role="status", width="100%",
            custom_attrs={"data-testid": "topup-result"})),
        rx.cond(T.selected.length() > 0, card(chosen, max_width="48rem")),
    )
