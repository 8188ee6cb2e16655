"""`/admin/enterprise/[company_ref]`: a company's credit, ledger, payments, credit limit and volume tiers."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, field, native_select, notice_callout
from esim_app.components.table import plain_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_company import READ_ROLES, AdminCompanyState, LedgerRow, TierRow


def _ledger_row(e: LedgerRow) -> rx.Component:
    return rx.el.tr(rx.el.td(e.date), rx.el.td(e.kind), rx.el.td(e.order_ref), rx.el.td(e.note),
                    rx.el.td(e.amount, text_align="right"), custom_attrs={"data-testid": "ledger-row"})


def _tier(t: TierRow) -> rx.Component:
    return rx.el.li("From ", t.min_quantity, " eSIMs: ", t.percent, " % off", custom_attrs={"data-testid": "tier-row"})


def _payment_form() -> rx.Component:
    return card(rx.form(
        rx.vstack(
            rx.el.h2("Record a payment", class_name="t-card"),
            rx.hstack(
                rx.box(field("Amount", "amount", testid="payment-amount", required=True,
                             placeholder="1250.00"), flex="1", min_width="10rem"),
                rx.vstack(
                    rx.el.label("Kind", html_for="kind", class_name="t-secondary"),
                    native_select("kind", rx.el.option("Payment received", value="payment"),
                                  rx.el.option("Credit note", value="credit_note"), default_value="payment",
                                  custom_attrs={"data-testid": "payment-kind"}),
                    spacing="1",
                ),
                spacing="3", flex_wrap="wrap", align="end", width="100%",
            ),
            field("Note (reference, for the ledger and the audit log)", "note", testid="payment-note", max_length=500),
            button("Record", type="submit", size="sm", custom_attrs={"data-testid": "record-payment"}),
            spacing="3", align="stretch",
        ),
        on_submit=AdminCompanyState.record_entry, reset_on_submit=True,
    ))


def _limit_and_tiers() -> rx.Component:
    return rx.grid(
        card(rx.form(
            rx.vstack(
                rx.el.h2("Credit limit", class_name="t-card"),
                field("Credit limit", "credit_limit", testid="credit-limit-input",
                      default_value=AdminCompanyState.credit_limit_input, key=AdminCompanyState.credit_limit_input),
                button("Save limit", type="submit", size="sm", custom_attrs={"data-testid": "save-credit-limit"}),
                spacing="3", align="stretch",
            ),
            on_submit=AdminCompanyState.save_credit_limit,
        )),
        card(rx.form(
            rx.vstack(
                rx.el.h2("Volume tiers", class_name="t-card"),
                rx.el.ul(rx.foreach(AdminCompanyState.tiers, _tier)),
                field("Tiers (from N eSIMs: X % off, comma separated)", "tiers", testid="tiers-input",
                      default_value=AdminCompanyState.tiers_text, key=AdminCompanyState.tiers_text,
                      placeholder="10: 5, 100: 12.5"),
                button("Save tiers", type="submit", size="sm", custom_attrs={"data-testid": "save-tiers"}),
                spacing="3", align="stretch",
            ),
            on_submit=AdminCompanyState.save_tiers,
        )),
        columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%",
    )


@admin_page(routes.ADMIN_COMPANY, "Company", AdminCompanyState.load, roles=READ_ROLES)
def admin_company_page() -> rx.Component:
    return rx.vstack(
        rx.link("← Companies", href="/admin/enterprise", class_name="t-secondary"),
        error_callout(AdminCompanyState.error),
        notice_callout(AdminCompanyState.notice),
        rx.cond(
            AdminCompanyState.found,
            rx.vstack(
                rx.el.h1(AdminCompanyState.name, class_name="t-section"),
                rx.el.p(AdminCompanyState.ref, " · ", AdminCompanyState.contact_email, " · ",
                        rx.el.span(AdminCompanyState.status, custom_attrs={"data-testid": "company-status"}),
                        class_name="t-secondary"),
                rx.el.div(
                    card(rx.el.span("Credit limit", class_name="t-secondary"),
                         rx.el.div(AdminCompanyState.credit_limit, class_name="kpi-value")),
                    card(rx.el.span("Outstanding", class_name="t-secondary"),
                         rx.el.div(AdminCompanyState.outstanding, class_name="kpi-value",
                                   custom_attrs={"data-testid": "company-outstanding"})),
                    card(rx.el.span("Available", class_name="t-secondary"),
                         rx.el.div(AdminCompanyState.available, class_name="kpi-value")),
                    class_name="kpi-grid",
                ),
                rx.cond(AdminCompanyState.can_edit, rx.vstack(_payment_form(), _limit_and_tiers(), spacing="4",
                                                              width="100%")),
                rx.el.h2("Ledger", class_name="t-card"),
                plain_table(
                    rx.el.thead(rx.el.tr(rx.el.th("Date"), rx.el.th("Entry"), rx.el.th("Order"), rx.el.th("Note"),
                                         rx.el.th("Amount", text_align="right"))),
                    rx.el.tbody(rx.foreach(AdminCompanyState.entries, _ledger_row)),
                ),
                spacing="4", align="stretch", width="100%",
            ),
        ),
        spacing="4", align="stretch", width="100%",
    )
