"""`/business` (overview), `/business/billing` (credit, ledger, statements) and a printable statement."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout
from esim_app.components.table import plain_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import business_page
from esim_app.state.business_billing import (
    BILLING_ROLES,
    BillingState,
    EntryRow,
    OverviewState,
    StatementRow,
    StatementState,
)


def _kpi(label: str, value: rx.Var, testid: str = "", hint: rx.Var | str = "") -> rx.Component:
    attrs = {"data-testid": testid} if testid else {}
    return card(rx.vstack(
        rx.el.span(label, class_name="t-secondary"),
        rx.el.span(value, class_name="kpi-value", custom_attrs=attrs),
        rx.fragment() if isinstance(hint, str) and not hint else rx.el.span(hint, class_name="t-caption"),
        spacing="1", align="start",
    ))


@business_page(routes.BUSINESS, "Business", OverviewState.load)
def business_home() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Overview", class_name="t-section"),
        rx.el.p(OverviewState.company, class_name="t-secondary"),
        error_callout(OverviewState.error),
        rx.el.div(
            _kpi("Spend this month", OverviewState.spend_this_month, "kpi-spend",
                 "Last month: " + OverviewState.spend_last_month),
            _kpi("Credit available", OverviewState.credit_available, "kpi-credit-available",
                 "Used " + OverviewState.credit_used + " of " + OverviewState.credit_limit),
            _kpi("eSIMs in stock", OverviewState.in_stock, "kpi-esims-in-stock"),
            _kpi("eSIMs assigned", OverviewState.assigned, "kpi-esims-assigned"),
            _kpi("eSIMs active", OverviewState.active, "kpi-esims-active"),
            _kpi("Data used", OverviewState.data_used, "kpi-data-used"),
            _kpi("Orders in progress", OverviewState.orders_in_progress, "kpi-orders-in-progress"),
            rx.cond(OverviewState.quotes_waiting != "",
                    _kpi("Quotes waiting", OverviewState.quotes_waiting, "kpi-quotes-waiting")),
            class_name="kpi-grid",
        ),
        rx.hstack(
            rx.link("Bulk orders", href=routes.BUSINESS_ORDERS),
            rx.link("Billing", href=routes.BUSINESS_BILLING),
            spacing="4",
        ),
        spacing="4", align="stretch", width="100%",
    )


def _entry_row(e: EntryRow) -> rx.Component:
    return rx.el.tr(rx.el.td(e.date), rx.el.td(e.kind), rx.el.td(e.order_ref), rx.el.td(e.note),
                    rx.el.td(e.amount, text_align="right"), custom_attrs={"data-testid": "ledger-row"})


def _entries_table(rows: rx.Var) -> rx.Component:
    return plain_table(
        rx.el.thead(rx.el.tr(rx.el.th("Date"), rx.el.th("Entry"), rx.el.th("Order"), rx.el.th("Note"),
                             rx.el.th("Amount", text_align="right"))),
        rx.el.tbody(rx.foreach(rows, _entry_row)),
    )


def _statement_row(st: StatementRow) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.link(st.month, href="/business/billing/" + st.month)),
        rx.el.td(st.opening), rx.el.td(st.charges), rx.el.td(st.payments), rx.el.td(st.closing),
        custom_attrs={"data-testid": "statement-row"},
    )


@business_page(routes.BUSINESS_BILLING, "Billing", BillingState.load, roles=BILLING_ROLES)
def business_billing_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Billing", class_name="t-section"),
        error_callout(BillingState.error),
        rx.el.div(
            _kpi("Credit limit", BillingState.credit_limit, "credit-limit"),
            _kpi("Credit used", BillingState.credit_used, "credit-used"),
            _kpi("Credit available", BillingState.credit_available, "credit-available"),
            class_name="kpi-grid",
        ),
        rx.el.div(rx.el.span(style={"width": BillingState.used_percent.to_string() + "%"}), class_name="progress-bar",
                  role="progressbar", aria_valuenow=BillingState.used_percent, aria_valuemax=100,
                  aria_label="Credit used"),
        rx.el.h2("Monthly statements", class_name="t-card"),
        rx.cond(
            BillingState.statements.length() > 0,
            plain_table(
                rx.el.thead(rx.el.tr(rx.el.th("Month"), rx.el.th("Brought forward"), rx.el.th("Charges"),
                                     rx.el.th("Payments and credits"), rx.el.th("Balance"))),
                rx.el.tbody(rx.foreach(BillingState.statements, _statement_row)),
            ),
            rx.el.p("No statements yet.", class_name="t-muted"),
        ),
        rx.el.h2("Ledger", class_name="t-card"),
        rx.cond(BillingState.entries.length() > 0, _entries_table(BillingState.entries),
                rx.el.p("No charges or payments yet.", class_name="t-muted")),
        spacing="4", align="stretch", width="100%",
    )


@business_page(routes.BUSINESS_STATEMENT, "Statement", StatementState.load, roles=BILLING_ROLES)
def business_statement_page() -> rx.Component:
    st = StatementState.statement
    return rx.vstack(
        rx.hstack(
            rx.link("← Billing", href=routes.BUSINESS_BILLING, class_name="t-secondary"),
            rx.spacer(),
            button("Print", size="sm", variant="secondary", on_click=rx.call_script("window.print()"),
                   custom_attrs={"data-testid": "print-statement"}),
            class_name="no-print", width="100%",
        ),
        error_callout(StatementState.error),
        rx.cond(
            st,
            rx.vstack(
                rx.el.h1("Statement ", st.month, class_name="t-section"),
                rx.el.p(StatementState.company, class_name="t-secondary"),
                rx.el.p("Brought forward: ", rx.el.strong(st.opening), " · Charges: ", st.charges,
                        " · Payments and credits: ", st.payments, " · Balance: ", rx.el.strong(st.closing)),
                _entries_table(StatementState.entries),
                spacing="3", align="stretch", width="100%",
            ),
        ),
        class_name="print-document", spacing="4", align="stretch", width="100%",
    )
