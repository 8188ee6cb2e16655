"""Enterprise in the admin dashboard: companies (`/admin/enterprise`) with create + invite, suspend and
reactivate. Each company links to its page (`/admin/enterprise/[company_ref]`)."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, field, notice_callout
from esim_app.components.status import status_badge
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_enterprise import READERS, CompaniesState, CompanyRow

C = CompaniesState
COLUMNS = (Column("Company"), Column("Contact"), Column("Status"), Column("Credit limit"), Column("Users"),
           Column("Open quotes"), Column("Created"), Column(""))


def _actions(c: CompanyRow) -> rx.Component:
    return rx.cond(C.can_manage, rx.cond(
        c.status == "active",
        button("Suspend", variant="ghost", size="sm", type="button", on_click=C.ask(c.ref, True),
               custom_attrs={"data-testid": "suspend-company"}),
        button("Reactivate", variant="ghost", size="sm", type="button", on_click=C.ask(c.ref, False),
               custom_attrs={"data-testid": "reactivate-company"}),
    ))


def _company_row(c: CompanyRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.el.a(c.name, href="/admin/enterprise/" + c.ref, font_weight="600",
                              custom_attrs={"data-testid": "company-link"})),
        rx.table.cell(c.contact_email),
        rx.table.cell(status_badge(c.status, testid="company-status")),
        rx.table.cell(c.credit_limit),
        rx.table.cell(c.users),
        rx.table.cell(c.open_quotes),
        rx.table.cell(c.created),
        rx.table.cell(_actions(c)),
        custom_attrs={"data-testid": "company-row"},
    )


def _create_form() -> rx.Component:
    return card(
        rx.form(
            rx.vstack(
                rx.el.h2("New company", class_name="t-card"),
                rx.el.p("The contact becomes the company's first admin and gets an email to set a password.",
                        class_name="t-secondary"),
                rx.flex(
                    rx.box(field("Company name", "name", testid="company-name", required=True, max_length=200),
                           flex="2", min_width="14rem"),
                    rx.box(field("Contact email", "email", type_="email", testid="company-email", required=True),
                           flex="2", min_width="14rem"),
                    rx.box(field("Credit limit (USD)", "credit_limit", testid="company-credit-limit",
                                 placeholder="0", input_mode="decimal"), flex="1", min_width="9rem"),
                    gap="0.75rem", flex_wrap="wrap", width="100%",
                ),
                rx.hstack(
                    button("Create and invite", type="submit", custom_attrs={"data-testid": "create-company"}),
                    button("Cancel", variant="ghost", type="button", on_click=C.toggle_create),
                    spacing="2",
                ),
                spacing="3", align="stretch", width="100%",
            ),
            on_submit=C.create,
            reset_on_submit=True,
        ),
        width="100%",
    )


def _confirm() -> rx.Component:
    verb = rx.cond(C.pending_suspend, "Suspend ", "Reactivate ")
    consequence = rx.cond(C.pending_suspend, "Its users are signed out at once and cannot sign in until it is "
                                             "reactivated.", "Its users can sign in again.")
    return rx.cond(C.pending_ref != "", card(
        rx.vstack(
            rx.el.h2(verb, C.pending_name, "?", class_name="t-card"),
            rx.el.p(consequence, class_name="t-secondary"),
            rx.hstack(
                button("Confirm", size="sm", type="button", on_click=C.confirm,
                       custom_attrs={"data-testid": "confirm-action"}),
                button("Cancel", variant="ghost", size="sm", type="button", on_click=C.cancel,
                       custom_attrs={"data-testid": "cancel-action"}),
                spacing="2",
            ),
            spacing="3",
        ),
        max_width="40rem",
    ))


@admin_page(routes.ADMIN_ENTERPRISE, "Enterprise", CompaniesState.load, roles=READERS)
def admin_enterprise_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.h1("Companies", class_name="t-section"),
            rx.cond(C.can_manage & ~C.creating,
                    button(rx.icon("plus", size=16), "New company", on_click=C.toggle_create,
                           custom_attrs={"data-testid": "new-company"})),
            justify="between", align="center", width="100%", flex_wrap="wrap", gap="0.75rem",
        ),
        error_callout(C.error, testid="company-error"),
        notice_callout(C.notice),
        rx.cond(C.creating, _create_form()),
        _confirm(),
        rx.form(
            rx.hstack(
                rx.box(field("Search companies", "query", testid="company-search", placeholder="Name or contact email"),
                       flex="1"),
                button("Search", type="submit", variant="secondary"),
                align="end", spacing="3", width="100%", max_width="36rem",
            ),
            on_submit=C.search,
        ),
        data_table(C, COLUMNS, C.companies, _company_row, empty="No companies yet."),
        spacing="4", align="stretch", width="100%",
    )
