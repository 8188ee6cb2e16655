"""`/admin/settings`: every staff member sees the store settings; only owners can save them."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, field, notice_callout
from esim_app.components.table import plain_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_currencies import CurrencyLine, CurrencySettingsState
from esim_app.state.admin_ops import SETTINGS_ROLES, SettingsState


def _input(label: str, name: str, hint: str | rx.Var[str] = "", **props) -> rx.Component:
    return rx.vstack(
        field(label, name, testid=f"setting-{name.replace('_', '-')}", default_value=SettingsState.values[name],
              read_only=~SettingsState.editable, **props),
        rx.cond(hint != "", rx.el.p(hint, class_name="t-secondary", font_size="0.85rem")),
        spacing="1", width="100%", align="stretch",
    )


def _address() -> rx.Component:
    return rx.vstack(
        rx.el.label("Company address", html_for="legal_address", class_name="t-secondary"),
        rx.text_area(name="legal_address", id="legal_address", default_value=SettingsState.values["legal_address"],
                     read_only=~SettingsState.editable, rows="4", max_length=300, width="100%",
                     custom_attrs={"data-testid": "setting-legal-address"}),
        rx.el.p("One line per line of the postal address, as on the receipt.", class_name="t-secondary",
                font_size="0.85rem"),
        spacing="1", width="100%", align="stretch",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _input("Refund window (days)", "refund_window_days", "Days after purchase a never-installed eSIM can be "
                   "refunded by the customer (0–365).", type_="number", min=0, max=365, required=True),
            _input("Support refund limit (cents, USD)", "support_refund_limit_cents", "Support staff cannot refund, or "
                   "approve a refund, above this amount; owners and operations can. 5000 = $50.00.", type_="number",
                   min=0, required=True),
            _input("Brand name in emails", "brand_name", "Empty: " + SettingsState.default_brand, max_length=60),
            _input("Support email", "support_email", "Empty: " + SettingsState.default_support_email, type_="email",
                   max_length=254),
            _input("Notice for customers", "storefront_notice", "A short notice, e.g. about an operator outage; "
                   "empty for none.", max_length=300),
            rx.el.h2("Seller on receipts", class_name="t-card", padding_top="0.5rem"),
            _input("Company name on receipts", "legal_name", "The registered name. Empty: the brand name.",
                   max_length=120),
            _address(),
            _input("VAT or registration number", "tax_id", "e.g. GB123456789; empty to leave it off.", max_length=40),
            error_callout(SettingsState.error, testid="settings-error"),
            notice_callout(SettingsState.notice),
            rx.cond(SettingsState.editable,
                    button("Save settings", type="submit", size="sm", custom_attrs={"data-testid": "settings-save"}),
                    rx.el.p("Only owners can change settings.", class_name="t-muted")),
            spacing="4", align="stretch",
        ),
        on_submit=SettingsState.save,
        reset_on_submit=False,
    )


def _currency_row(line: CurrencyLine) -> rx.Component:
    stop = button("Stop", variant="ghost", size="sm", on_click=CurrencySettingsState.stop(line.code),
                  aria_label="Stop offering " + line.code, custom_attrs={"data-testid": "currency-stop"})
    return rx.el.tr(
        rx.el.td(line.code), rx.el.td(line.rate), rx.el.td(line.rounding), rx.el.td(line.sample),
        rx.el.td(rx.cond(CurrencySettingsState.editable & ~line.always, stop)),
        custom_attrs={"data-testid": "currency-row"},
    )


def _currencies() -> rx.Component:
    """The currencies customers pay in: each one's rate, rounding and what a $9.99 plan costs in it."""
    return rx.vstack(
        rx.el.h2("Currencies customers pay in", class_name="t-card"),
        rx.el.p("Prices are shown and charged in the customer's currency: the USD price times the rate, rounded up. "
                "Rounding: an ending such as 0.99, whole units such as 1 or 10, or none.", class_name="t-secondary"),
        plain_table(
            rx.el.thead(rx.el.tr(rx.el.th("Currency"), rx.el.th("Per 1 USD"), rx.el.th("Rounding"),
                                 rx.el.th("A $9.99 plan"), rx.el.th(rx.el.span("Actions", class_name="sr-only")))),
            rx.el.tbody(rx.foreach(CurrencySettingsState.rows, _currency_row)),
        ),
        error_callout(CurrencySettingsState.error, testid="currency-error"),
        notice_callout(CurrencySettingsState.notice),
        rx.cond(CurrencySettingsState.editable, rx.form(
            rx.flex(
                field("Currency", "code", testid="currency-code", placeholder="JPY", max_length=3, required=True),
                field("Per 1 USD", "rate", testid="currency-rate", placeholder="151.37", max_length=20, required=True),
                field("Rounding", "rounding", testid="currency-rounding", placeholder="default", max_length=20),
                button("Save currency", type="submit", size="sm", custom_attrs={"data-testid": "currency-save"}),
                gap="0.75rem", wrap="wrap", align="end"),
            on_submit=CurrencySettingsState.save, reset_on_submit=True)),
        spacing="3", align="stretch",
    )


@admin_page("/admin/settings", "Settings", SettingsState.load, CurrencySettingsState.load, roles=SETTINGS_ROLES)
def admin_settings_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Settings", class_name="t-section"),
        rx.el.p("Margins and USD price rounding are on the Packages page.", class_name="t-secondary"),
        card(rx.cond(SettingsState.loaded, _form(), rx.cond(SettingsState.error != "",
                                                            error_callout(SettingsState.error), rx.spinner())),
             max_width="40rem"),
        card(_currencies(), max_width="48rem"),
        spacing="4", align="stretch", width="100%",
    )
