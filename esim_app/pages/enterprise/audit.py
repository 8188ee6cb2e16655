"""`/business/audit` (company admins): who did what in the company, newest first."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, field
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import business_page
from esim_app.state.business_audit import READERS, BusinessAuditState, CompanyAuditRow

# What happened comes right after when (on a phone the later columns are a scroll away).
COLUMNS = (Column("When (UTC)"), Column("Action"), Column("Who"), Column("Object"), Column("Details"),
           Column("IP"))


def _row(e: CompanyAuditRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(e.when, white_space="nowrap"),
        rx.table.cell(e.action, font_weight="600", custom_attrs={"data-testid": "audit-action"}),
        rx.table.cell(e.actor, custom_attrs={"data-testid": "audit-actor"}),
        rx.table.cell(e.subject),
        rx.table.cell(e.details, class_name="t-secondary", overflow_wrap="anywhere"),
        rx.table.cell(e.ip),
        custom_attrs={"data-testid": "audit-row"},
    )


def _filter() -> rx.Component:
    return card(rx.form(
        rx.hstack(
            rx.box(field("Action starts with", "action", testid="audit-filter",
                         placeholder="e.g. log, esim_, role"), flex="1", min_width="14rem"),
            button("Filter", type="submit", size="sm", custom_attrs={"data-testid": "audit-apply"}),
            align="end", spacing="3", flex_wrap="wrap", width="100%",
        ),
        on_submit=BusinessAuditState.apply_filter, reset_on_submit=False,
    ))


@business_page(routes.BUSINESS_AUDIT, "Audit log", BusinessAuditState.load, roles=READERS)
def business_audit_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Audit log", class_name="t-section"),
        rx.el.p("Sign-ins and sign-outs, role changes, money actions, assignments and exports of your company; "
                "newest first.", class_name="t-secondary"),
        _filter(),
        error_callout(BusinessAuditState.error, testid="audit-error"),
        rx.box(data_table(BusinessAuditState, COLUMNS, BusinessAuditState.entries, _row,
                          empty="No audit entries match."), overflow_x="auto", width="100%"),
        spacing="4", align="stretch", width="100%",
    )
