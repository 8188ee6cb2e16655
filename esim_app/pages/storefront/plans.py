"""Country, region, global and single-plan pages."""

from __future__ import annotations

import reflex as rx

from esim_app.components.plans import (
    best_value_badge,
    covered_countries,
    currency_select,
    device_check_link,
    plan_controls,
    plan_grid,
)
from esim_app.components.ui import button_link, card, section
from esim_app.i18n import t
from esim_app.state.catalog import DisplayCurrencyState, PlanDetailState, PlanListState


def _not_found(text: str | rx.Var[str]) -> rx.Component:
    return card(rx.vstack(rx.el.p(text, class_name="t-body"), button_link(t("Search destinations"), "/", size="sm"),
                          spacing="3", align="start"))


def _header() -> rx.Component:
    return rx.vstack(
        rx.el.a(t("← All destinations"), href="/#destinations", class_name="t-secondary"),
        rx.hstack(rx.el.span(PlanListState.flag, class_name="flag", font_size="2.5rem"),
                  rx.el.h1(PlanListState.title, class_name="t-section"), spacing="3", align="center", wrap="wrap"),
        rx.el.p(PlanListState.subtitle, class_name="t-body t-muted"),
        spacing="2",
        align="start",
        margin_bottom="1.5rem",
    )


def plan_list_page() -> rx.Component:
    """Shared by country, region and global routes; the on_load handler decides what it lists."""
    return rx.fragment(
        section(
            rx.cond(
                PlanListState.not_found,
                _not_found(t("We do not sell plans for that destination. Search for another one.")),
                rx.fragment(
                    _header(),
                    plan_controls(),
                    plan_grid(PlanListState.plans),
                    rx.cond(
                        PlanListState.covered.length() > 0,
                        rx.vstack(rx.el.h2(t("Countries covered"), class_name="t-card"),
                                  covered_countries(PlanListState.covered), spacing="3", align="start",
                                  margin_top="2.5rem"),
                    ),
                ),
            ),
        )
    )


def _fact(icon: str, label: str | rx.Var[str], value: rx.Var | str, **attrs) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=18, class_name="t-muted"),
        rx.el.span(label, class_name="t-secondary", min_width="9rem"),
        rx.el.span(value, font_weight="600", **attrs),
        spacing="3",
        align="center",
    )


def _buy_card() -> rx.Component:
    """The price and the buy button, beside the plan's facts."""
    plan = PlanDetailState.plan
    return card(
        rx.vstack(
            rx.el.span(plan.price, class_name="price", custom_attrs={"data-testid": "plan-price"}),
            rx.el.span(t("One-time payment. No subscription."), class_name="t-secondary"),
            button_link(t("Buy this plan"), "/checkout/" + plan.slug, size="md", width="100%",
                        custom_attrs={"data-testid": "buy-button"}),
            rx.el.p(t("Requires an eSIM-compatible, carrier-unlocked phone. Unused eSIMs can be refunded "
                      "within {days} days.", days=DisplayCurrencyState.refund_days), class_name="t-secondary"),
            device_check_link(),
            currency_select(),
            spacing="3",
            align="stretch",
        ),
        position="sticky",
        top="5rem",
    )


def plan_detail_page() -> rx.Component:
    plan = PlanDetailState.plan
    return rx.fragment(
        section(
            rx.cond(
                PlanDetailState.found,
                rx.grid(
                    rx.vstack(
                        rx.el.span(plan.destination_name, class_name="t-caption"),
                        rx.el.h1(plan.name, class_name="t-section"),
                        rx.cond(plan.is_best_value, best_value_badge()),
                        card(
                            rx.vstack(
                                _fact("database", t("Data"), plan.data),
                                _fact("calendar", t("Validity"), plan.validity),
                                _fact("clock", t("Validity starts"), t("When the eSIM first connects at your destination")),
                                rx.cond(PlanDetailState.operator != "",
                                        _fact("radio-tower", t("Network"), PlanDetailState.operator)),
                                _fact("plus", t("Top-ups"),
                                      rx.cond(PlanDetailState.supports_topup, t("Available from your account"),
                                              t("Not available for this plan"))),
                                rx.cond(plan.per_gb != "", _fact("scale", t("Price per GB"), plan.per_gb)),
                                _fact("phone", t("Calls and SMS"), t("Data only; keep your number for calls")),
                                spacing="3",
                                align="start",
                            ),
                            width="100%",
                        ),
                        rx.el.h2(t("Where it works"), class_name="t-card", padding_top="1rem"),
                        covered_countries(PlanDetailState.coverage),
                        spacing="3",
                        align="start",
                    ),
                    _buy_card(),
                    columns=rx.breakpoints(initial="1", md="3fr 2fr"),
                    spacing="6",
                    align="start",
                ),
                rx.cond(PlanDetailState.loaded,
                        _not_found(t("This plan is no longer on sale. Have a look at the other plans for your trip.")),
                        rx.center(rx.spinner(size="3"), padding="4rem")),
            )
        )
    )
