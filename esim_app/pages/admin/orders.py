"""Staff order pages: the list with search and filters (`/admin/orders`) and one order with its
timeline and actions (`/admin/orders/[order_ref]`). Any staff role reads; actions by role."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, field, native_select, notice_callout
from esim_app.components.status import status_badge
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin.order import AdminOrderState, AlternativeRow, EsimRow, EventRow
from esim_app.state.admin.orders import ROLES, STATUSES, AdminOrdersState, OrderListRow

COLUMNS = (Column("Order"), Column("Created", "created"), Column("Status"), Column("Customer"), Column("Plan"),
           Column("Provider"), Column("Amount", "amount"))


def _option(value: str) -> rx.Component:
    return rx.el.option(value, value=value)


def _select(label: str, name: str, options, testid: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, class_name="t-secondary"),
        native_select(name, rx.el.option("Any", value=""), *(options if isinstance(options, list) else [options]),
                      custom_attrs={"data-testid": testid}),
        spacing="1", width="100%", align="stretch",
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.vstack(
            field("Search by order reference, customer email or ICCID", "query", testid="order-search",
                  placeholder="OID…, name@example.com, 8944…", type_="search"),
            rx.grid(
                _select("Status", "status", [_option(s) for s in STATUSES], "filter-status"),
                _select("Provider", "provider", rx.foreach(AdminOrdersState.providers, _option), "filter-provider"),
                _select("Destination", "destination", rx.foreach(AdminOrdersState.destinations, _option),
                        "filter-destination"),
                field("Customer email or company", "customer", testid="filter-customer"),
                field("From", "date_from", type_="date", testid="filter-date-from"),
                field("To", "date_to", type_="date", testid="filter-date-to"),
                field("Worth at least (USD)", "min_amount", testid="filter-min-amount", input_mode="decimal"),
                field("Worth at most (USD)", "max_amount", testid="filter-max-amount", input_mode="decimal"),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                button("Search", type="submit", size="sm", custom_attrs={"data-testid": "order-search-submit"}),
                button("Clear", type="reset", variant="ghost", size="sm", on_click=AdminOrdersState.clear_filters),
                spacing="2",
            ),
            spacing="3", align="stretch", width="100%",
        ),
        on_submit=AdminOrdersState.search,
        width="100%",
    )


def _order_row(r: OrderListRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.el.a(r.ref, href="/admin/orders/" + r.ref, font_weight="600",
                              custom_attrs={"data-testid": "order-link"})),
        rx.table.cell(r.created),
        rx.table.cell(status_badge(r.status)),
        rx.table.cell(r.customer),
        rx.table.cell(r.plan, " · ", r.destination),
        rx.table.cell(r.provider),
        rx.table.cell(r.amount, rx.cond(r.refunded != "", rx.el.span(" (refunded ", r.refunded, ")",
                                                                       class_name="t-muted"))),
        custom_attrs={"data-testid": "order-row"},
    )


@admin_page("/admin/orders", "Orders", AdminOrdersState.load, roles=ROLES)
def admin_orders_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Orders", class_name="t-section"),
        card(_filters(), width="100%"),
        error_callout(AdminOrdersState.error, testid="orders-error"),
        rx.cond(AdminOrdersState.more, rx.el.p("More than ", AdminOrdersState.total,
                                               " orders match; narrow the filters to count them all.",
                                               class_name="t-muted")),
        rx.box(data_table(AdminOrdersState, COLUMNS, AdminOrdersState.orders, _order_row,
                          empty="No orders match."), overflow_x="auto", width="100%"),
        spacing="4", align="stretch", width="100%",
    )


# --- one order -----------------------------------------------------------------------------------

ACTION_BUTTONS = (("retry", "Retry now", "retry-order"), ("resend", "Resend eSIM email", "resend-email"),
                  ("refund", "Refund", "refund-order"), ("cancel", "Cancel at provider", "cancel-order"))
QUESTIONS = {"retry": "Retry this order now?", "resend": "Email the eSIM to the customer again?",
             "refund": "Refund this order through Stripe?", "failover": "Fulfil this order with the chosen provider?",
             "cancel": "Cancel this order's eSIMs at the provider? (No refund by itself.)"}


def _fact(item: rx.Var) -> rx.Component:
    return rx.vstack(rx.el.span(item[0], class_name="t-caption"), rx.el.span(item[1], class_name="t-body"),
                     spacing="0", align="start")


def _esim_row(e: EsimRow) -> rx.Component:
    return rx.table.row(rx.table.cell(e.ref), rx.table.cell(e.iccid), rx.table.cell(status_badge(e.status)),
                        rx.table.cell(e.usage), custom_attrs={"data-testid": "order-esim"})


def _alternative_row(a: AlternativeRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(a.provider), rx.table.cell(a.cost), rx.table.cell(a.margin),
        rx.table.cell(rx.cond(a.keeps_floor, rx.badge("keeps the floor", color_scheme="green"),
                              rx.badge("below the floor", color_scheme="red"))),
        rx.table.cell(rx.cond(
            a.keeps_floor,
            rx.cond(AdminOrderState.allowed.contains("failover"),
                    button("Fail over", size="sm", variant="ghost", type="button",
                           on_click=AdminOrderState.ask("failover", a.package_id),
                           custom_attrs={"data-testid": "failover-order"})),
            rx.el.span("No failover: the margin would be below the floor", class_name="t-secondary",
                       custom_attrs={"data-testid": "failover-refused"}))),
        custom_attrs={"data-testid": "failover-option"},
    )


def _event(e: EventRow) -> rx.Component:
    return rx.el.li(
        rx.hstack(rx.badge(e.kind, variant="soft"), rx.el.strong(e.title), rx.el.span(e.at, class_name="t-muted"),
                  rx.el.span(e.actor, class_name="t-secondary"), spacing="2", wrap="wrap", align="center"),
        rx.cond(e.detail != "", rx.el.p(e.detail, class_name="t-secondary", overflow_wrap="anywhere")),
        padding_y="0.5rem", border_bottom="1px solid var(--gray-5)",
        custom_attrs={"data-testid": "timeline-event"},
    )


def _actions() -> rx.Component:
    return rx.hstack(
        *[rx.cond(AdminOrderState.allowed.contains(action),
                  button(label, size="sm", variant="secondary", type="button", on_click=AdminOrderState.ask(action, 0),
                         custom_attrs={"data-testid": testid}))
          for action, label, testid in ACTION_BUTTONS],
        spacing="2", wrap="wrap",
    )


def _refund_fields() -> rx.Component:
    return rx.cond(
        AdminOrderState.pending == "refund",
        rx.vstack(
            field("Amount (empty: everything left, " + AdminOrderState.left_to_refund + ")", "amount",
                  testid="refund-amount", input_mode="decimal", placeholder=AdminOrderState.left_to_refund),
            rx.el.label(rx.el.input(type="checkbox", name="skip_cancel", custom_attrs={"data-testid": "refund-skip-cancel"}),
                        " Refund without cancelling at the provider", class_name="t-secondary"),
            spacing="2", align="stretch", width="100%",
        ),
    )


def _confirm() -> rx.Component:
    return rx.cond(
        AdminOrderState.pending != "",
        card(
            rx.form(
                rx.vstack(
                    rx.el.h2(rx.match(AdminOrderState.pending, *QUESTIONS.items(), "Confirm?"), class_name="t-card"),
                    _refund_fields(),
                    field("Note for the audit log", "note", testid="action-note", max_length=500, required=True,
                          placeholder="Why, in a few words"),
                    error_callout(AdminOrderState.error, testid="action-error"),
                    rx.hstack(
                        button("Confirm", type="submit", size="sm", disabled=AdminOrderState.busy,
                               custom_attrs={"data-testid": "confirm-action"}),
                        button("Cancel", variant="ghost", size="sm", type="button", on_click=AdminOrderState.cancel,
                               custom_attrs={"data-testid": "cancel-action"}),
                        spacing="2",
                    ),
                    spacing="3", align="stretch",
                ),
                on_submit=AdminOrderState.confirm,
                reset_on_submit=False,
            ),
            max_width="40rem", role="dialog", aria_label="Confirm the action",
        ),
    )


def _order_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.el.h1("Order ", AdminOrderState.ref, class_name="t-section"),
                  status_badge(AdminOrderState.status, testid="order-status"), spacing="3", align="center", wrap="wrap"),
        notice_callout(AdminOrderState.notice),
        _actions(),
        _confirm(),
        card(rx.grid(rx.foreach(AdminOrderState.facts, _fact), columns=rx.breakpoints(initial="1", sm="2", md="4"),
                     spacing="4"), width="100%"),
        rx.cond(AdminOrderState.esims.length() > 0, rx.box(
            rx.el.h2("eSIMs", class_name="t-card"),
            rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                         ("eSIM", "ICCID", "Status", "Usage")])),
                          rx.table.body(rx.foreach(AdminOrderState.esims, _esim_row)), variant="surface"),
            overflow_x="auto", width="100%")),
        rx.cond(AdminOrderState.alternatives.length() > 0, rx.box(
            rx.el.h2("Other providers for this plan", class_name="t-card"),
            rx.el.p("Margin floor: ", AdminOrderState.floor, " (cost of the alternative against our price).",
                    class_name="t-muted"),
            rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                         ("Provider", "Cost", "Margin", "Floor", "Action")])),
                          rx.table.body(rx.foreach(AdminOrderState.alternatives, _alternative_row)),
                          variant="surface"),
            overflow_x="auto", width="100%")),
        rx.el.h2("Timeline", class_name="t-card"),
        rx.el.ol(rx.foreach(AdminOrderState.timeline, _event), list_style="none", padding="0", width="100%",
                 custom_attrs={"data-testid": "order-timeline"}),
        spacing="4", align="stretch", width="100%",
    )


@admin_page("/admin/orders/[order_ref]", "Order", AdminOrderState.load, roles=ROLES)
def admin_order_page() -> rx.Component:
    return rx.vstack(
        rx.el.a("← All orders", href="/admin/orders", class_name="t-secondary"),
        rx.cond(AdminOrderState.found, _order_body(), error_callout(AdminOrderState.error, testid="order-error")),
        spacing="3", align="stretch", width="100%",
    )
