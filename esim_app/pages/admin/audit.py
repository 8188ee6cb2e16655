"""`/admin/audit` (owners, finance): the audit log with filters, server-side pages and before/after."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, field
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_ops import AUDIT_ROLES, AuditRow, AuditState

COLUMNS = (Column("When (UTC)"), Column("Who"), Column("Action"), Column("Object"), Column("Before"),
           Column("After"), Column("Details"), Column("IP"))


def _json(text: rx.Var[str]) -> rx.Component:
    return rx.el.code(text, class_name="cell-code")


def _row(e: AuditRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(e.when, white_space="nowrap"),
        rx.table.cell(e.actor),
        rx.table.cell(e.action, font_weight="600"),
        rx.table.cell(e.entity),
        rx.table.cell(_json(e.before), custom_attrs={"data-testid": "audit-before"}),
        rx.table.cell(_json(e.after), custom_attrs={"data-testid": "audit-after"}),
        rx.table.cell(_json(e.details)),
        rx.table.cell(e.ip),
        custom_attrs={"data-testid": "audit-row"},
    )


def _filters() -> rx.Component:
    return card(rx.form(
        rx.vstack(
            rx.grid(
                field("Who (email, or system)", "who", testid="audit-who"),
                field("Action starts with", "action", testid="audit-action", placeholder="e.g. staff. or refund."),
                field("Object type", "entity_type", testid="audit-entity-type", placeholder="e.g. order, admin"),
                field("Object id", "entity_id", testid="audit-entity-id", placeholder="e.g. OID012"),
                field("From (UTC day)", "date_from", type_="date", testid="audit-from"),
                field("To (UTC day)", "date_to", type_="date", testid="audit-to"),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="3", width="100%",
            ),
            button("Apply filters", type="submit", size="sm", custom_attrs={"data-testid": "audit-apply"}),
            spacing="3", align="start",
        ),
        on_submit=AuditState.apply_filters, reset_on_submit=False,
    ))


@admin_page("/admin/audit", "Audit log", AuditState.load, roles=AUDIT_ROLES)
def admin_audit_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Audit log", class_name="t-section"),
        rx.el.p("Every staff change with its values before and after, sign-ins, refunds and company actions; "
                "newest first.", class_name="t-secondary"),
        _filters(),
        error_callout(AuditState.error, testid="audit-error"),
        rx.box(data_table(AuditState, COLUMNS, AuditState.entries, _row, empty="No audit entries match."),
               class_name="scroll-region", tab_index=0, role="region", aria_label="Audit log entries"),
        spacing="4", align="stretch", width="100%",
    )
