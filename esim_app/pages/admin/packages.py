"""`/admin/packages`: margin rules with a preview of every price change before saving, and the groups of equivalent offers with each provider's cost, our price, margin and the best one."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, native_select, notice_callout
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_packages import ROLES, OfferRow, PackagesState, PreviewRow

OFFER_COLUMNS = (Column("Plan"), Column("Provider"), Column("Cost"), Column("Our price"), Column("Margin"),
                 Column("On sale"), Column(""))


def _rules() -> rx.Component:
    return rx.vstack(
        rx.el.h2("Rules in force", class_name="t-card"),
        rx.foreach(PackagesState.rules, lambda c: rx.hstack(rx.el.span(c.value, class_name="t-secondary"),
                                                            rx.el.span(c.label, font_weight="600"), spacing="2")),
        rx.el.p("A destination's margin wins over a provider's, which wins over the default. Every price is at "
                "least cost plus the minimum margin, then rounded up to the price ending.", class_name="t-muted"),
        spacing="2", align="start",
    )


def _margin_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label("Rule", html_for="target", class_name="t-secondary"),
            native_select("target", rx.foreach(PackagesState.targets,
                                               lambda c: rx.el.option(c.label, value=c.value)),
                          custom_attrs={"data-testid": "margin-destination"}),
            rx.el.label("Value (empty removes a provider or destination rule)", html_for="value",
                        class_name="t-secondary"),
            rx.input(name="value", id="value", size="3", width="100%", max_length=40, placeholder="e.g. 40",
                     custom_attrs={"data-testid": "margin-value"}),
            button("Preview price changes", type="submit", size="sm", custom_attrs={"data-testid": "preview-margin"}),
            spacing="2", align="stretch",
        ),
        on_submit=PackagesState.preview,
    )


def _preview_row(r: PreviewRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r.name), rx.table.cell(r.provider), rx.table.cell(r.cost),
        rx.table.cell(r.old_price, text_decoration="line-through", class_name="t-muted"),
        rx.table.cell(r.new_price, font_weight="600"),
        custom_attrs={"data-testid": "price-preview-row"},
    )


def _preview() -> rx.Component:
    return rx.cond(
        PackagesState.preview_title != "",
        card(rx.vstack(
            rx.el.h2("Preview", class_name="t-card"),
            rx.el.p(PackagesState.preview_title, custom_attrs={"data-testid": "preview-summary"}),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                               ("Plan", "Provider", "Cost", "Price now", "New price")])),
                rx.table.body(rx.foreach(PackagesState.preview_rows, _preview_row)),
                width="100%", variant="surface"), max_height="24rem", overflow_y="auto", width="100%"),
            rx.hstack(
                button("Save and reprice", size="sm", type="button", disabled=PackagesState.busy,
                       on_click=PackagesState.save, custom_attrs={"data-testid": "save-margin"}),
                button("Discard", variant="ghost", size="sm", type="button", on_click=PackagesState.discard_preview),
                spacing="2",
            ),
            spacing="3", align="stretch")),
    )


def _choice_buttons(r: OfferRow) -> rx.Component:
    return rx.hstack(
        rx.cond(r.enabled,
                button("Disable", variant="ghost", size="sm", type="button",
                       on_click=PackagesState.set_choice(r.slug, "disable")),
                button("Enable", variant="ghost", size="sm", type="button",
                       on_click=PackagesState.set_choice(r.slug, "enable"))),
        rx.cond(r.choice == "manual",
                button("Back to auto", variant="ghost", size="sm", type="button",
                       on_click=PackagesState.set_choice(r.slug, "auto"))),
        spacing="1",
    )


def _offer_row(r: OfferRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.cond(r.first_of_group, rx.el.span(r.group_name, font_weight="600"), ""),
                      rx.cond(r.best, rx.badge("best", color_scheme="green", margin_left="0.5rem"))),
        rx.table.cell(r.provider), rx.table.cell(r.cost), rx.table.cell(r.price), rx.table.cell(r.margin),
        rx.table.cell(rx.cond(r.enabled, "yes", "no"), " · ", r.choice),
        rx.table.cell(_choice_buttons(r)),
        custom_attrs={"data-testid": "offer-row"},
    )


def _offers() -> rx.Component:
    return rx.vstack(
        rx.el.h2("Offers by group", class_name="t-section"),
        rx.form(rx.hstack(
            rx.input(name="destination", placeholder="Destination code, e.g. JP, europe or global", size="2",
                     max_length=40, min_width="16rem", custom_attrs={"data-testid": "offer-filter"}),
            button("Filter", variant="secondary", size="sm", type="submit"), spacing="2", wrap="wrap"),
            on_submit=PackagesState.filter_offers),
        rx.box(data_table(PackagesState, OFFER_COLUMNS, PackagesState.offers, _offer_row,
                          empty="No offers match."), overflow_x="auto", width="100%"),
        spacing="3", align="stretch", width="100%",
    )


@admin_page("/admin/packages", "Packages and margins", PackagesState.load, roles=ROLES)
def admin_packages_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Packages and margins", class_name="t-section"),
        error_callout(PackagesState.error, testid="packages-error"),
        notice_callout(PackagesState.notice),
        rx.grid(card(_rules()), card(rx.vstack(rx.el.h2("Change a margin rule", class_name="t-card"), _margin_form(),
                                               spacing="3", align="stretch")),
                columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
        _preview(),
        _offers(),
        spacing="4", align="stretch", width="100%",
    )
