"""Staff customer pages: search (`/admin/customers`) and one customer (`/admin/customers/[user_ref]`) with
orders, eSIMs, tickets, sessions and spend; support and owners disable/enable, sign out, export."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, field, notice_callout
from esim_app.components.status import status_badge
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin.customers import ROLES, AdminCustomersState, AdminCustomerState, CustomerListRow, Line

COLUMNS = (Column("Customer"), Column("Email"), Column("Name"), Column("Joined"), Column("Status"))
QUESTIONS = {"disable": "Disable this customer? They are signed out and cannot sign in.",
             "enable": "Enable this customer again?", "revoke": "Sign this customer out everywhere?"}


def _customer_row(r: CustomerListRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.el.a(r.ref, href="/admin/customers/" + r.ref, font_weight="600")),
        rx.table.cell(r.email), rx.table.cell(r.name), rx.table.cell(r.joined),
        rx.table.cell(rx.cond(r.active, rx.badge("active", color_scheme="green"), rx.badge("disabled", color_scheme="red"))),
        custom_attrs={"data-testid": "customer-row"},
    )


@admin_page("/admin/customers", "Customers", AdminCustomersState.load, roles=ROLES)
def admin_customers_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Customers", class_name="t-section"),
        rx.form(
            rx.hstack(
                rx.box(field("Search by email, name or reference", "query", testid="customer-search", type_="search",
                             placeholder="name@example.com, Ann, UID…"), flex="1"),
                button("Search", type="submit", size="sm", custom_attrs={"data-testid": "customer-search-submit"}),
                align="end", spacing="2", width="100%",
            ),
            on_submit=AdminCustomersState.search, width="100%",
        ),
        error_callout(AdminCustomersState.error, testid="customers-error"),
        rx.box(data_table(AdminCustomersState, COLUMNS, AdminCustomersState.customers, _customer_row,
                          empty="No customers match."), overflow_x="auto", width="100%"),
        spacing="4", align="stretch", width="100%",
    )


def _fact(item: rx.Var) -> rx.Component:
    return rx.vstack(rx.el.span(item[0], class_name="t-caption"), rx.el.span(item[1], class_name="t-body"),
                     spacing="0", align="start")


def _lines(title: str, headers: tuple[str, ...], rows, testid: str, link: str = "") -> rx.Component:
    def render(line: Line) -> rx.Component:
        first = rx.el.a(line.ref, href=link + line.ref) if link else line.ref
        return rx.table.row(rx.table.cell(first), rx.table.cell(line.first), rx.table.cell(line.second),
                            rx.table.cell(line.third), custom_attrs={"data-testid": testid})

    return rx.box(
        rx.el.h2(title, class_name="t-card"),
        rx.cond(rows.length() > 0,
                rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                              rx.table.body(rx.foreach(rows, render)), variant="surface"),
                rx.el.p("None.", class_name="t-muted")),
        overflow_x="auto", width="100%",
    )


def _actions() -> rx.Component:
    return rx.cond(AdminCustomerState.can_act, rx.hstack(
        rx.cond(AdminCustomerState.active,
                button("Disable", size="sm", variant="secondary", type="button", on_click=AdminCustomerState.ask("disable"),
                       custom_attrs={"data-testid": "disable-customer"}),
                button("Enable", size="sm", variant="secondary", type="button", on_click=AdminCustomerState.ask("enable"),
                       custom_attrs={"data-testid": "enable-customer"})),
        button("Sign out everywhere", size="sm", variant="secondary", type="button",
               on_click=AdminCustomerState.ask("revoke"), custom_attrs={"data-testid": "revoke-sessions"}),
        rx.el.a("Export data (JSON)", href="/api/admin/customers/" + AdminCustomerState.ref + "/export",
                class_name="btn btn-ghost btn-sm", download=True, custom_attrs={"data-testid": "export-customer"}),
        spacing="2", wrap="wrap",
    ))


def _confirm() -> rx.Component:
    return rx.cond(AdminCustomerState.pending != "", card(
        rx.form(
            rx.vstack(
                rx.el.h2(rx.match(AdminCustomerState.pending, *QUESTIONS.items(), "Confirm?"), class_name="t-card"),
                field("Note for the audit log", "note", testid="action-note", max_length=500, required=True),
                error_callout(AdminCustomerState.error, testid="action-error"),
                rx.hstack(button("Confirm", type="submit", size="sm", disabled=AdminCustomerState.busy,
                                 custom_attrs={"data-testid": "confirm-action"}),
                          button("Cancel", variant="ghost", size="sm", type="button", on_click=AdminCustomerState.cancel,
                                 custom_attrs={"data-testid": "cancel-action"}), spacing="2"),
                spacing="3", align="stretch",
            ),
            on_submit=AdminCustomerState.confirm,
        ),
        max_width="40rem", role="dialog", aria_label="Confirm the action",
    ))


def _customer_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.el.h1("Customer ", AdminCustomerState.ref, class_name="t-section"),
                  status_badge(rx.cond(AdminCustomerState.active, "active", "failed"),
                               rx.cond(AdminCustomerState.active, "active", "disabled"), testid="customer-status"),
                  spacing="3", align="center", wrap="wrap"),
        notice_callout(AdminCustomerState.notice),
        _actions(),
        _confirm(),
        card(rx.grid(rx.foreach(AdminCustomerState.facts, _fact), columns=rx.breakpoints(initial="1", sm="3"),
                     spacing="4"), width="100%"),
        _lines("Orders", ("Order", "Created", "Status", "Plan"), AdminCustomerState.orders, "customer-order",
               "/admin/orders/"),
        _lines("eSIMs", ("eSIM", "ICCID", "Status", "Usage"), AdminCustomerState.esims, "customer-esim"),
        _lines("Tickets", ("Ticket", "Subject", "Status", "Updated"), AdminCustomerState.tickets, "customer-ticket",
               "/admin/support/"),
        _lines("Live sessions", ("#", "Signed in", "Last seen", "Device"), AdminCustomerState.sessions,
               "customer-session"),
        spacing="4", align="stretch", width="100%",
    )


@admin_page("/admin/customers/[user_ref]", "Customer", AdminCustomerState.load, roles=ROLES)
def admin_customer_page() -> rx.Component:
    return rx.vstack(
        rx.el.a("← All customers", href="/admin/customers", class_name="t-secondary"),
        rx.cond(AdminCustomerState.found, _customer_body(),
                error_callout(AdminCustomerState.error, testid="customer-error")),
        spacing="3", align="stretch", width="100%",
    )
