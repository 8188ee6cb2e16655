"""`/business/orders` (bulk orders and a new one) and `/business/orders/[order_ref]` (one order, live)."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, native_select, notice_callout
from esim_app.components.table import Column, data_table, plain_table
from esim_app.components.ui import button, card, receipt_link
from esim_app.pages.templates import business_page
from esim_app.state.bulk_orders import BulkOrderState, BulkOrdersState, FailureRow, LineRow, OrderRow, PlanChoice
from esim_app.state.checkout import CARD_SELECTOR, stripe_js_url

COLUMNS = (Column("Order"), Column("Date"), Column("eSIMs"), Column("Total"), Column("Status"), Column("Ready"))


def _order_row(row: OrderRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.ref, href="/business/orders/" + row.ref, font_weight="600")),
        rx.table.cell(row.created),
        rx.table.cell(row.quantity),
        rx.table.cell(row.total),
        rx.table.cell(row.status),
        rx.table.cell(row.progress),
        custom_attrs={"data-testid": "order-row"},
    )


def _plan_option(plan: PlanChoice) -> rx.Component:
    return rx.el.option(plan.label + " — " + plan.price, value=plan.id.to_string())


def _price_line() -> rx.Component:
    """Unit price, volume discount and total of the choice; always in the page (a hint until a plan is
    chosen), so the button below does not jump when the price arrives."""
    return rx.el.p(
        rx.cond(
            BulkOrdersState.unit_price != "",
            rx.fragment("Unit price ", rx.el.strong(BulkOrdersState.unit_price),
                        rx.cond(BulkOrdersState.discount != "",
                                " (volume discount " + BulkOrdersState.discount + " %)", ""),
                        " · total ", rx.el.strong(BulkOrdersState.line_total)),
            "Choose a plan to see its price.",
        ),
        custom_attrs={"data-testid": "order-price"}, aria_live="polite",
    )


def _new_order_form() -> rx.Component:
    return card(
        rx.vstack(
            rx.el.h2("New bulk order", class_name="t-card"),
            rx.form(
                rx.hstack(
                    rx.input(name="search", placeholder="Filter plans by destination", aria_label="Filter plans",
                             size="3", flex="1", min_width="12rem", custom_attrs={"data-testid": "plan-search"}),
                    button("Filter", type="submit", variant="secondary", size="sm"),
                    spacing="2", width="100%", flex_wrap="wrap",
                ),
                on_submit=BulkOrdersState.search_plans,
            ),
            rx.form(
                rx.vstack(
                    rx.el.label("Plan", html_for="plan", class_name="t-secondary"),
                    native_select("plan", rx.el.option("Choose a plan", value=""),
                                  rx.foreach(BulkOrdersState.plans, _plan_option), value=BulkOrdersState.plan_id,
                                  on_change=BulkOrdersState.choose_plan, required=True,
                                  custom_attrs={"data-testid": "order-plan"}),
                    rx.hstack(
                        rx.vstack(
                            rx.el.label("Quantity", html_for="quantity", class_name="t-secondary"),
                            rx.input(id="quantity", name="quantity", type="number", min=1, max=5000,
                                     default_value="1", required=True, size="3",
                                     on_change=BulkOrdersState.set_quantity.debounce(300),
                                     custom_attrs={"data-testid": "order-quantity"}),
                            spacing="1",
                        ),
                        rx.vstack(
                            rx.el.label("Payment", html_for="payment", class_name="t-secondary"),
                            native_select("payment", rx.el.option("On account (credit)", value="account"),
                                          rx.el.option("By card", value="card"), default_value="account",
                                          custom_attrs={"data-testid": "order-payment"}),
                            spacing="1",
                        ),
                        spacing="4", flex_wrap="wrap", align="end",
                    ),
                    _price_line(),
                    button(rx.cond(BulkOrdersState.busy, "Placing…", "Place order"), type="submit",
                           disabled=BulkOrdersState.busy, custom_attrs={"data-testid": "place-order"}),
                    spacing="3", align="stretch",
                ),
                on_submit=BulkOrdersState.place,
                reset_on_submit=False,
            ),
            spacing="3", align="stretch",
        ),
        custom_attrs={"data-testid": "new-bulk-order"},
    )


@business_page(routes.BUSINESS_ORDERS, "Orders", BulkOrdersState.load)
def business_orders_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Bulk orders", class_name="t-section"),
        rx.el.p("Buy eSIMs for your team at list price less your volume discount, or from an accepted quote.",
                class_name="t-secondary"),
        error_callout(BulkOrdersState.error, testid="order-error"),
        rx.cond(BulkOrdersState.can_order, _new_order_form()),
        data_table(BulkOrdersState, COLUMNS, BulkOrdersState.orders, _order_row, empty="No bulk orders yet."),
        spacing="4", align="stretch", width="100%",
    )


def _line(line: LineRow) -> rx.Component:
    return rx.el.tr(rx.el.td(line.plan), rx.el.td(line.quantity), rx.el.td(line.unit_price), rx.el.td(line.subtotal))


def _failure(row: FailureRow) -> rx.Component:
    return rx.el.li(row.ref, " · ", row.plan, " · ", row.reason, custom_attrs={"data-testid": "failed-esim"})


def _progress() -> rx.Component:
    width = rx.cond(BulkOrderState.quantity > 0, (BulkOrderState.ready * 100 / BulkOrderState.quantity).to_string()
                    + "%", "0%")
    return card(
        rx.vstack(
            rx.hstack(rx.el.span("eSIMs ready", class_name="t-secondary"), rx.spacer(),
                      rx.el.strong(BulkOrderState.progress, custom_attrs={"data-testid": "bulk-progress"},
                                   aria_live="polite"), width="100%"),
            rx.el.div(rx.el.span(style={"width": width}), class_name="progress-bar", role="progressbar",
                      aria_valuenow=BulkOrderState.ready, aria_valuemax=BulkOrderState.quantity),
            rx.cond(
                BulkOrderState.failed > 0,
                rx.vstack(
                    rx.el.p(BulkOrderState.failed, " could not be delivered:", class_name="t-body"),
                    rx.el.ul(rx.foreach(BulkOrderState.failures, _failure)),
                    rx.cond(BulkOrderState.can_order & (BulkOrderState.status != "provisioning"),
                            button("Retry failed eSIMs", size="sm", on_click=BulkOrderState.retry_failed,
                                   custom_attrs={"data-testid": "retry-failed"})),
                    spacing="2", align="start",
                ),
            ),
            spacing="3", align="stretch",
        ),
    )


def _payment() -> rx.Component:
    return card(
        rx.vstack(
            rx.el.h2("Pay for this order", class_name="t-card"),
            button("Pay " + BulkOrderState.total + " on account", on_click=BulkOrderState.pay_on_account,
                   variant="secondary", custom_attrs={"data-testid": "pay-on-account"}),
            rx.el.p("Or by card:", class_name="t-secondary"),
            rx.box(id=CARD_SELECTOR.removeprefix("#"), padding="0.9rem", border="1px solid var(--line)",
                   border_radius="0.75rem", background="var(--surface)", min_height="3rem",
                   custom_attrs={"data-testid": "card-element"}),
            button(rx.cond(BulkOrderState.paying, "Processing…", "Pay " + BulkOrderState.total + " by card"),
                   on_click=BulkOrderState.pay_by_card, disabled=BulkOrderState.paying | ~BulkOrderState.card_ready,
                   custom_attrs={"data-testid": "pay-by-card"}),
            spacing="3", align="stretch",
        ),
        max_width="32rem",
    )


@business_page(routes.BUSINESS_ORDER, "Order", BulkOrderState.load)
def business_order_page() -> rx.Component:
    return rx.vstack(
        rx.script(src=stripe_js_url()),
        rx.script(src="/checkout.js"),
        rx.link("← All orders", href=routes.BUSINESS_ORDERS, class_name="t-secondary"),
        error_callout(BulkOrderState.error, testid="order-error"),
        notice_callout(BulkOrderState.notice),
        rx.cond(
            BulkOrderState.found,
            rx.vstack(
                rx.el.h1("Order ", BulkOrderState.ref, class_name="t-section"),
                rx.hstack(
                    rx.el.span("Status: ", rx.el.strong(BulkOrderState.status,
                                                        custom_attrs={"data-testid": "order-status"})),
                    rx.el.span("Total: ", rx.el.strong(BulkOrderState.total)),
                    rx.el.span("Payment: ", BulkOrderState.payment_method),
                    rx.el.span("Placed: ", BulkOrderState.created),
                    rx.cond(BulkOrderState.has_receipt, receipt_link(BulkOrderState.ref, "Receipt (PDF)")),
                    spacing="5", flex_wrap="wrap",
                ),
                plain_table(
                    rx.el.thead(rx.el.tr(rx.el.th("Plan"), rx.el.th("eSIMs"), rx.el.th("Unit price"),
                                         rx.el.th("Subtotal"))),
                    rx.el.tbody(rx.foreach(BulkOrderState.lines, _line)),
                ),
                rx.cond((BulkOrderState.status == "pending") & BulkOrderState.can_order, _payment(), _progress()),
                spacing="4", align="stretch", width="100%",
            ),
        ),
        spacing="4", align="stretch", width="100%",
    )
