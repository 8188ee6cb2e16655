"""The admin home (`/admin`): analytics for owners and finance, the to-do lists for every staff role.

Hooks: `range-select`, `kpi-revenue`, `kpi-margin`, `kpi-orders` (and `kpi-refunds`, `kpi-average-order`,
`kpi-paying-customers`, `kpi-new-customers`, `kpi-enterprise-revenue`), `revenue-chart`, `custom-start`,
`custom-end`, `apply-range`, `split-providers`, `split-destinations`, `split-plans`, `attention-row`,
`incident-row`, and `export-<table>` links (CSV downloads under /api/exports/admin/).
"""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, native_select
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_home import EXPORT_BASE, RANGES, ROLES, AdminHomeState, AttentionLine, IncidentLine, SplitLine

KPI_IDS = ("kpi-revenue", "kpi-refunds", "kpi-margin", "kpi-orders", "kpi-average-order", "kpi-paying-customers",
           "kpi-new-customers", "kpi-enterprise-revenue")


def _export(table: str) -> rx.Component:
    return rx.el.a(rx.icon("download", size=14), "CSV", href=f"{EXPORT_BASE}/{table}.csv" + AdminHomeState.export_query,
                   download=True, reload_document=True,  # rx.el.a is React Router's Link: load it, do not route
                   class_name="btn btn-ghost btn-sm", aria_label=f"Download {table} as CSV",
                   custom_attrs={"data-testid": f"export-{table}"})


def _heading(title: str, table: str) -> rx.Component:
    return rx.hstack(rx.el.h2(title, class_name="t-card"), rx.spacer(), _export(table), align="center", width="100%")


def _kpi(index: int, testid: str) -> rx.Component:
    kpi = AdminHomeState.kpis[index]
    return card(
        rx.vstack(
            rx.el.span(kpi.label, class_name="t-secondary"),
            rx.el.span(kpi.value, font_size="1.5rem", font_weight="700", custom_attrs={"data-testid": f"{testid}-value"}),
            rx.hstack(
                rx.cond(kpi.change != "",
                        rx.badge(kpi.change, color_scheme=rx.cond(kpi.up, "green", "red"), variant="soft")),
                rx.el.span("before: ", kpi.previous, class_name="t-secondary", font_size="0.8125rem"),
                spacing="2", align="center", wrap="wrap",
            ),
            rx.cond(kpi.note != "", rx.el.span(kpi.note, class_name="t-muted", font_size="0.8125rem")),
            spacing="1", align="start",
        ),
        padding="1rem",
        custom_attrs={"data-testid": testid},
    )


def _range_picker() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.label("Range", html_for="range", class_name="t-secondary"),
            rx.box(native_select("range", *[rx.el.option(label, value=value) for value, label in RANGES],
                                 value=AdminHomeState.period, on_change=AdminHomeState.set_period,
                                 custom_attrs={"data-testid": "range-select"}), min_width="12rem"),
            rx.el.span(AdminHomeState.range_text, class_name="t-muted", custom_attrs={"data-testid": "range-text"}),
            spacing="3", align="center", wrap="wrap",
        ),
        rx.cond(
            AdminHomeState.period == "custom",
            rx.form(
                rx.hstack(
                    rx.el.label("From", html_for="start", class_name="t-secondary"),
                    rx.input(type="date", name="start", id="start", default_value=AdminHomeState.start, required=True,
                             custom_attrs={"data-testid": "custom-start"}),
                    rx.el.label("To", html_for="end", class_name="t-secondary"),
                    rx.input(type="date", name="end", id="end", default_value=AdminHomeState.end, required=True,
                             custom_attrs={"data-testid": "custom-end"}),
                    button("Apply", type="submit", size="sm", custom_attrs={"data-testid": "apply-range"}),
                    spacing="2", align="center", wrap="wrap",
                ),
                on_submit=AdminHomeState.apply_custom,
            ),
        ),
        spacing="2", align="start", width="100%",
    )


def _chart() -> rx.Component:
    return card(
        _heading(rx.cond(AdminHomeState.granularity == "day", "Revenue and margin by day", "Revenue and margin by week"),
                 "series"),
        rx.recharts.area_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke="var(--gray-6)"),
            rx.recharts.area(data_key="revenue", name="Revenue (USD)", stroke="var(--accent-9)",
                             fill="var(--accent-5)", type_="monotone"),
            rx.recharts.area(data_key="margin", name="Margin (USD)", stroke="var(--green-9)",
                             fill="var(--green-5)", type_="monotone"),
            rx.recharts.x_axis(data_key="label", stroke="var(--gray-11)"),
            rx.recharts.y_axis(stroke="var(--gray-11)"),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            data=AdminHomeState.series,
            width="100%",
            height=280,
        ),
        width="100%",
        custom_attrs={"data-testid": "revenue-chart", "role": "figure",  # not img: the chart has focusable parts
                      "aria-label": "Revenue and margin over the chosen range"},
    )


def _split_row(r: SplitLine) -> rx.Component:
    return rx.table.row(rx.table.cell(r.label), rx.table.cell(r.orders, text_align="right"),
                        rx.table.cell(r.revenue, text_align="right"), rx.table.cell(r.refunds, text_align="right"),
                        rx.table.cell(r.margin, text_align="right"))


def _split(title: str, table: str, rows: rx.Var[list[SplitLine]]) -> rx.Component:
    head = rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                          ("Name", "Orders", "Revenue", "Refunds", "Margin")]))
    return card(
        _heading(title, table),
        rx.cond(rows.length() > 0,
                rx.box(rx.table.root(head, rx.table.body(rx.foreach(rows, _split_row)), width="100%", size="1"),
                       overflow_x="auto", width="100%"),
                rx.el.p("No sales in this range.", class_name="t-muted")),
        width="100%", custom_attrs={"data-testid": f"split-{table}"},
    )


def _attention_row(a: AttentionLine) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.el.a(a.order_ref, href=a.href, font_weight="600")), rx.table.cell(a.why),
                        rx.table.cell(a.status), rx.table.cell(a.amount), rx.table.cell(a.since),
                        custom_attrs={"data-testid": "attention-row"})


def _incident_row(i: IncidentLine) -> rx.Component:
    return rx.table.row(rx.table.cell(i.at), rx.table.cell(rx.el.a(i.order_ref, href=i.href, font_weight="600")),
                        rx.table.cell(i.provider), rx.table.cell(i.reason), rx.table.cell(i.detail),
                        custom_attrs={"data-testid": "incident-row"})


def _list(title: str, table: str, headers: tuple[str, ...], rows, render, empty: str) -> rx.Component:
    head = rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers]))
    return card(
        _heading(title, table),
        rx.cond(rows.length() > 0,
                rx.box(rx.table.root(head, rx.table.body(rx.foreach(rows, render)), width="100%", size="1"),
                       overflow_x="auto", width="100%"),
                rx.el.p(empty, class_name="t-muted")),
        width="100%",
    )


def _money() -> rx.Component:
    return rx.vstack(
        rx.grid(*[_kpi(i, testid) for i, testid in enumerate(KPI_IDS)], columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                spacing="3", width="100%"),
        rx.el.p("Compared with ", AdminHomeState.previous_text, ". Amounts in USD, converted at each order's own rate.",
                class_name="t-muted", font_size="0.8125rem"),
        _chart(),
        rx.grid(_split("Top destinations", "destinations", AdminHomeState.destinations),
                _split("By provider", "providers", AdminHomeState.providers),
                columns=rx.breakpoints(initial="1", lg="2"), spacing="3", width="100%"),
        _split("By plan", "plans", AdminHomeState.plans),
        spacing="4", width="100%", align="stretch",
    )


@admin_page(routes.ADMIN, "Admin", AdminHomeState.load, roles=ROLES)
def admin_home() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Analytics", class_name="t-section"),
        _range_picker(),
        error_callout(AdminHomeState.error, testid="range-error"),
        rx.cond(AdminHomeState.sees_money, _money(),
                rx.cond(AdminHomeState.loaded, rx.el.p("Revenue figures are for owners and finance; here is what needs "
                                                       "a look.", class_name="t-muted"))),
        _list("Orders needing attention", "attention", ("Order", "Why", "Status", "Amount", "Since"),
              AdminHomeState.attention, _attention_row, "Nothing needs attention."),
        _list("Provider incidents", "incidents", ("When", "Order", "Provider", "Reason", "Detail"),
              AdminHomeState.incidents, _incident_row, "No recent provider failures."),
        spacing="4", align="stretch", width="100%",
    )
