"""`/admin/providers`: one card per provider (`provider-row`) with its runtime switch (`provider-enabled`),
24-hour figures, balance and alert threshold, "test connection"; "sync now" with live progress."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, notice_callout
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_providers import ROLES, ProviderRow, ProvidersState


def _figure(label: str, value: rx.Var | str) -> rx.Component:
    return rx.vstack(rx.el.span(label, class_name="t-caption"), rx.el.span(value, class_name="t-body"),
                     spacing="0", align="start")


def _threshold_form(row: ProviderRow) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="provider_id", value=row.provider_id),
            rx.input(name="threshold", default_value=row.threshold, placeholder="e.g. 500", size="2",
                     aria_label="Low-balance alert below", custom_attrs={"data-testid": "balance-threshold"},
                     disabled=~ProvidersState.can_act),
            button("Save alert", variant="ghost", size="sm", type="submit", disabled=~ProvidersState.can_act),
            spacing="2", align="center", wrap="wrap",
        ),
        on_submit=ProvidersState.set_threshold,
    )


def _provider_card(row: ProviderRow) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(
                rx.el.h2(row.name, class_name="t-card"),
                rx.badge(row.state, color_scheme=rx.cond(row.enabled & row.configured, "green", "gray"),
                         custom_attrs={"data-testid": "provider-state"}),
                rx.spacer(),
                rx.el.label(
                    rx.switch(checked=row.enabled, disabled=~ProvidersState.can_act | ~row.configured,
                              on_change=lambda on: ProvidersState.set_enabled(row.provider_id, on),
                              custom_attrs={"data-testid": "provider-enabled"}),
                    rx.el.span("Enabled", class_name="t-secondary"),
                    style={"display": "flex", "gap": "0.5rem", "alignItems": "center"},
                ),
                width="100%", align="center", wrap="wrap",
            ),
            rx.grid(
                _figure("Calls (24 h)", row.calls), _figure("Latency (24 h)", row.latency),
                _figure("Errors (24 h)", row.errors), _figure("Rate limits (24 h)", row.rate_limits),
                _figure("Order success (24 h)", row.success), _figure("Catalogue", row.offers),
                _figure("Catalogue last changed", row.last_changed),
                rx.vstack(rx.el.span("Balance", class_name="t-caption"),
                          rx.el.span(row.balance, class_name="t-body",
                                     color=rx.cond(row.balance_low, "var(--red-11)", "inherit"),
                                     custom_attrs={"data-testid": "provider-balance"}),
                          spacing="0", align="start"),
                columns=rx.breakpoints(initial="1", sm="2", lg="4"), spacing="4", width="100%",
            ),
            rx.cond(row.sync_error != "", rx.callout(row.sync_error, color_scheme="amber", icon="triangle-alert",
                                                     width="100%")),
            rx.hstack(
                _threshold_form(row),
                rx.spacer(),
                button("Test connection", variant="secondary", size="sm", type="button",
                       disabled=~ProvidersState.can_act | ~row.configured,
                       on_click=ProvidersState.test_connection(row.provider_id),
                       custom_attrs={"data-testid": "test-connection"}),
                width="100%", align="center", wrap="wrap",
            ),
            rx.cond(row.test_result != "", rx.el.p(row.test_result, class_name="t-secondary",
                                                   custom_attrs={"data-testid": "test-result"})),
            spacing="3", align="stretch",
        ),
        custom_attrs={"data-testid": "provider-row"},
    )


def _sync_panel() -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(
                rx.vstack(rx.el.h2("Catalogue sync", class_name="t-card"),
                          rx.el.p(ProvidersState.last_sync, class_name="t-secondary"), spacing="1", align="start"),
                rx.spacer(),
                button(rx.cond(ProvidersState.syncing, "Syncing…", "Sync now"), size="sm", type="button",
                       disabled=ProvidersState.syncing | ~ProvidersState.can_act, on_click=ProvidersState.sync_now,
                       custom_attrs={"data-testid": "sync-now"}),
                width="100%", align="center", wrap="wrap",
            ),
            rx.cond(ProvidersState.sync_lines.length() > 0,
                    rx.el.ul(rx.foreach(ProvidersState.sync_lines, lambda line: rx.el.li(line)),
                             class_name="t-secondary", aria_live="polite",
                             custom_attrs={"data-testid": "sync-progress"})),
            spacing="3", align="stretch",
        ),
    )


@admin_page("/admin/providers", "Providers", ProvidersState.load, roles=ROLES)
def admin_providers_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Providers", class_name="t-section"),
        rx.el.p("Switching a provider off stops new orders and failover to it at once and takes its offers off "
                "sale; the next-best offer of each plan is sold instead. Figures cover the last 24 hours.",
                class_name="t-body t-muted"),
        error_callout(ProvidersState.error, testid="providers-error"),
        notice_callout(ProvidersState.notice),
        _sync_panel(),
        rx.foreach(ProvidersState.rows, _provider_card),
        spacing="4", align="stretch", width="100%",
    )
