"""Customer account: overview, my eSIMs, one eSIM (install + usage), orders, live order status."""

from __future__ import annotations

import reflex as rx

from esim_app.components.install import install_panel
from esim_app.components.plans import currency_select, plan_card
from esim_app.components.status import status_badge, usage_bar
from esim_app.components.ui import button_link, card, receipt_link
from esim_app.i18n import t
from esim_app.pages.refund import refund_panel
from esim_app.state.account import AccountState, EsimCard, EsimPageState, OrderRow, OrderStatusState
from esim_app.state.auth import AuthState
from esim_app.state.topup import TopupState
from services.core import N_


def esim_card(esim: EsimCard) -> rx.Component:
    return rx.el.a(
        card(
            rx.vstack(
                rx.hstack(
                    rx.el.span(esim.destination_name, font_weight="700"),
                    rx.spacer(),
                    status_badge(esim.status, esim.status_label),
                    width="100%",
                    align="center",
                ),
                rx.el.span(esim.plan_name, class_name="t-secondary"),
                usage_bar(esim.usage_percent, esim.usage_text),
                rx.cond(esim.expires_on != "", rx.el.span(t("Expires {date}", date=esim.expires_on), class_name="t-secondary")),
                spacing="2",
                align="start",
                width="100%",
            ),
            hover=True,
            padding="1.25rem",
        ),
        href="/account/esims/" + esim.ref,
        custom_attrs={"data-testid": "esim-card"},
    )


def _empty(text: str | rx.Var[str]) -> rx.Component:
    return card(
        rx.vstack(
            rx.el.p(text, class_name="t-body t-muted"),
            button_link(t("Find a plan"), "/", size="sm"),
            spacing="3",
            align="start",
        )
    )


def _esim_grid() -> rx.Component:
    return rx.cond(
        AccountState.esims.length() > 0,
        rx.grid(rx.foreach(AccountState.esims, esim_card), columns=rx.breakpoints(initial="1", md="2", xl="3"),
                spacing="4", width="100%"),
        _empty(t("You have no eSIMs yet. Pick a destination to buy your first one.")),
    )


def _order_row(order: OrderRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.el.a(order.ref, href="/orders/" + order.ref, font_weight="600")),
        rx.table.cell(order.plan_name),
        rx.table.cell(order.created_on),
        rx.table.cell(order.price),
        rx.table.cell(status_badge(order.status)),
        rx.table.cell(rx.cond(order.has_receipt, receipt_link(order.ref))),
        custom_attrs={"data-testid": "order-row"},
    )


def _orders_table() -> rx.Component:
    return rx.cond(
        AccountState.orders.length() > 0,
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h)) for h in
                                           (N_("Order"), N_("Plan"), N_("Date"), N_("Total"), N_("Status"),
                                            N_("Receipt"))])),
            rx.table.body(rx.foreach(AccountState.orders, _order_row)),
            width="100%",
            variant="surface",
        ),
        rx.el.p(t("No orders yet."), class_name="t-muted"),
    )


def _title(text: str | rx.Var[str]) -> rx.Component:
    return rx.el.h1(text, class_name="t-section", font_size="2rem", margin_bottom="1.5rem")


def account_home() -> rx.Component:
    return rx.fragment(
        rx.vstack(
            _title(rx.cond(AuthState.display_name.contains("@") | (AuthState.display_name == ""),
                           t("Your account"), t("Hello, {name}", name=AuthState.display_name))),
            rx.el.h2(t("Your eSIMs"), class_name="t-card"),
            _esim_grid(),
            rx.el.h2(t("Recent orders"), class_name="t-card", padding_top="1.5rem"),
            _orders_table(),
            spacing="4",
            align="stretch",
        ),
    )


def esims_page() -> rx.Component:
    return rx.fragment(_title(t("My eSIMs")), _esim_grid())


def orders_page() -> rx.Component:
    return rx.fragment(_title(t("Orders")), _orders_table())


def _install_panel() -> rx.Component:
    s = EsimPageState
    return install_panel(s.qr_data_uri, s.ios_install_url, s.lpa, s.smdp_address, s.activation_code)


def _usage_panel() -> rx.Component:
    c = EsimPageState.card
    return card(
        rx.vstack(
            rx.hstack(
                rx.el.h2(c.destination_name, class_name="t-card"),
                rx.spacer(),
                status_badge(c.status, c.status_label, testid="esim-status"),
                width="100%",
                align="center",
            ),
            rx.el.span(c.plan_name, class_name="t-secondary"),
            usage_bar(c.usage_percent, c.usage_text),
            rx.cond(EsimPageState.usage_updated != "",
                    rx.el.span(t("Last updated {when}", when=EsimPageState.usage_updated), class_name="t-secondary"),
                    rx.el.span(t("Usage appears once the eSIM connects at your destination."), class_name="t-secondary")),
            rx.cond(c.expires_on != "", rx.el.span(t("Expires {date}", date=c.expires_on), class_name="t-secondary")),
            rx.el.span("ICCID " + EsimPageState.iccid, class_name="t-secondary"),
            rx.cond(
                EsimPageState.can_top_up,
                button_link(t("Top up data"), "/account/esims/" + c.ref + "/top-up", size="sm",
                            custom_attrs={"data-testid": "topup-button"}),
            ),
            spacing="2",
            align="start",
        )
    )


def esim_page() -> rx.Component:
    return rx.fragment(
        rx.cond(
            EsimPageState.found,
            rx.grid(_install_panel(), _usage_panel(), columns=rx.breakpoints(initial="1", lg="3fr 2fr"), spacing="5"),
            rx.cond(EsimPageState.error != "", _empty(EsimPageState.error), rx.spinner()),
        ),
    )


def order_status_page() -> rx.Component:
    return rx.fragment(
        rx.center(
            card(
                rx.vstack(
                    rx.el.span(t("Order {order}", order=OrderStatusState.order_ref), class_name="t-caption"),  # type: ignore[attr-defined]
                    rx.el.h1(OrderStatusState.plan_name, class_name="t-card"),
                    rx.hstack(rx.el.span(t("Status:"), class_name="t-secondary"),
                              rx.el.span(OrderStatusState.status, font_weight="700",
                                         custom_attrs={"data-testid": "order-status"}),
                              spacing="2"),
                    rx.hstack(rx.el.span(t("Total"), class_name="t-secondary"), rx.el.span(OrderStatusState.price),
                              rx.el.span("·", class_name="t-muted"),
                              rx.el.span(t("Ordered {date}", date=OrderStatusState.ordered_on), class_name="t-secondary"),
                              spacing="2", wrap="wrap"),
                    rx.match(
                        OrderStatusState.status,
                        ("completed", rx.vstack(
                            rx.el.p(t("Your eSIM is ready. We also emailed you the QR code."), class_name="t-body"),
                            button_link(t("Install your eSIM"), "/account/esims/" + OrderStatusState.first_esim_ref),
                            spacing="3", align="start")),
                        ("failed", rx.el.p(t("We could not provision this order. {reason} You will be refunded in full.",
                                             reason=OrderStatusState.failure_reason), class_name="t-body",
                                           custom_attrs={"data-testid": "order-failure"})),
                        ("refunded", rx.el.p(t("This order was refunded."), class_name="t-body")),
                        ("pending", rx.el.p(t("Waiting for your payment to be confirmed…"), class_name="t-body")),
                        rx.hstack(rx.spinner(), rx.el.p(t("Preparing your eSIM. This usually takes a few seconds."),
                                                        class_name="t-body"), spacing="3", align="center"),
                    ),
                    rx.cond(OrderStatusState.has_receipt,
                            receipt_link(OrderStatusState.order_ref, t("Download receipt (PDF)"))),  # type: ignore[attr-defined]
                    rx.cond(OrderStatusState.error != "", rx.el.p(OrderStatusState.error, color="var(--red-11)")),
                    rx.cond(OrderStatusState.status == "completed", refund_panel()),
                    spacing="3",
                    align="start",
                    width="100%",
                ),
                width="100%",
                max_width="32rem",
            ),
            padding_x="1.25rem",
            padding_y=["3rem", "5rem"],
        )
    )


def topup_page() -> rx.Component:
    return rx.fragment(
        rx.el.a(t("← Back to your eSIM"), href="/account/esims/" + TopupState.esim_ref_shown, class_name="t-secondary"),
        _title(t("Top up {esim}", esim=TopupState.esim_ref_shown)),
        rx.el.p(t("Extra data is added to the eSIM you already installed: nothing to scan again."),
                class_name="t-body t-muted"),
        rx.hstack(rx.spacer(), currency_select(TopupState.set_currency), width="100%", margin_bottom="1rem"),
        rx.cond(
            TopupState.loaded,
            rx.cond(
                TopupState.error != "",
                _empty(TopupState.error),
                rx.grid(
                    rx.foreach(TopupState.plans,
                               lambda p: plan_card(p, checkout_query="?esim=" + TopupState.esim_ref_shown,
                                                   details=False)),
                    columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%",
                ),
            ),
            rx.spinner(size="3"),
        ),
    )
