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
from esim_app.components.places import RoutePlace, route_place
from esim_app.components.ui import button_link, card, section
from esim_app.i18n import t
from esim_app.pages.storefront.landing import INSTALL_ADVICE
from esim_app.state.catalog import DisplayCurrencyState, PlanDetailState, PlanListState


def _not_found(text: str | rx.Var[str]) -> rx.Component:
    return card(rx.vstack(rx.el.p(text, class_name="t-body"), button_link(t("Search destinations"), "/", size="sm"),
                          spacing="3", align="start"))


def _header(place: RoutePlace) -> rx.Component:
    """The place's flag and name, from the address (prerendered); the plan count and lowest price once loaded,
    in a line kept for them so nothing below moves."""
    return rx.vstack(
        rx.el.a(t("← All destinations"), href="/#destinations", class_name="t-secondary"),
        rx.hstack(rx.el.span(place.shown_flag(), class_name="flag", font_size="2.5rem"),
                  rx.el.h1(place.title(), class_name="t-section"), spacing="3", align="center", wrap="wrap"),
        rx.el.p(place.subtitle(), class_name="t-body t-muted", min_height="1lh"),
        spacing="2",
        align="start",
        margin_bottom="1.5rem",
    )


def _plan_list(kind: str) -> rx.Component:
    """A country, region or the global list; the page's on_load handler loads it. Until the state holds
    this place (not the one of the page before) its plans keep the room of a few cards, so the footer is
    not drawn where they will be."""
    place = route_place(kind)
    return rx.fragment(
        section(
            rx.cond(
                PlanListState.not_found,
                _not_found(t("We do not sell plans for that destination. Search for another one.")),
                rx.fragment(
                    _header(place),
                    plan_controls(local=kind == "local"),
                    rx.box(rx.cond(place.current, plan_grid(PlanListState.plans)),
                           min_height=rx.cond(place.current, "0", "40rem")),
                    rx.cond(
                        place.current & (PlanListState.covered.length() > 0),
                        rx.vstack(rx.el.h2(t("Countries covered"), class_name="t-card"),
                                  covered_countries(PlanListState.covered), spacing="3", align="start",
                                  margin_top="2.5rem"),
                    ),
                ),
            ),
        )
    )


def country_plans_page() -> rx.Component:
    return _plan_list("local")


def region_plans_page() -> rx.Component:
    return _plan_list("regional")


def global_plans_page() -> rx.Component:
    return _plan_list("global")


def _buy_card() -> rx.Component:
    """The price and the buy button, beside the plan's facts (below them on a phone). Its words are drawn
    before the plan is loaded; the price and the button, known only then, have their room kept."""
    plan, found = PlanDetailState.plan, PlanDetailState.found
    return card(
        rx.vstack(
            rx.el.div(rx.cond(found, rx.el.span(plan.price, custom_attrs={"data-testid": "plan-price"})),
                      class_name="price", min_height="1lh"),
            rx.el.span(t("One-time payment. No subscription."), class_name="t-secondary"),
            rx.box(rx.cond(found, button_link(t("Buy this plan"), "/checkout/" + plan.slug, size="md", width="100%",
                                              custom_attrs={"data-testid": "buy-button"})),
                   min_height="3.625rem"),  # a medium button: 1rem padding above and below a 1.625rem line
            rx.el.p(t("Requires an eSIM-compatible, carrier-unlocked phone. Unused eSIMs can be refunded "
                      "within {days} days.", days=DisplayCurrencyState.refund_days), class_name="t-secondary"),
            device_check_link(),
            currency_select(),
            spacing="3",
            align="stretch",
        ),
        position="sticky",
        top="5rem",
        grid_row=rx.breakpoints(initial="auto", md="span 2"),  # beside the facts and the coverage
    )


def _fact(icon: str, label: str | rx.Var[str], value: rx.Var | str) -> rx.Component:
    """A labelled fact (`.fact` in assets/theme.css: the icon is not squeezed by a long value)."""
    return rx.el.div(
        rx.icon(icon, size=18, class_name="t-muted"),
        rx.el.span(label, class_name="t-secondary fact-label"),
        rx.el.span(value, class_name="fact-value"),
        class_name="fact",
    )


def _plan_facts() -> rx.Component:
    """The plan's facts: every label is drawn before the plan is loaded, each value keeping its line until
    then; a fact the plan lacks reads "—"."""
    plan, found = PlanDetailState.plan, PlanDetailState.found

    def known(value: rx.Var[str]) -> rx.Var[str]:
        return rx.cond(found, rx.cond(value != "", value, "—"), "")

    return card(
        rx.el.div(
            _fact("database", t("Data"), plan.data),
            _fact("calendar", t("Validity"), plan.validity),
            _fact("clock", t("Validity starts"), t("When the eSIM first connects at your destination")),
            _fact("radio-tower", t("Network"), known(PlanDetailState.operator)),
            _fact("plus", t("Top-ups"), rx.cond(found, rx.cond(PlanDetailState.supports_topup,
                                                               t("Available from your account"),
                                                               t("Not available for this plan")), "")),
            _fact("scale", t("Price per GB"), known(plan.per_gb)),
            _fact("phone", t("Calls and SMS"), t("Data only; keep your number for calls")),
            class_name="facts",
        ),
        width="100%",
    )


def plan_detail_page() -> rx.Component:
    """One plan. The page is prerendered once as a shell for every plan (`esim_app.routes.SHELL`): its words
    (the advice on when to install leading them, its largest text) are painted before any JavaScript runs,
    and until the plan is loaded the page keeps a screen's height, so the footer is not drawn where the
    plan's coverage will be."""
    plan, found = PlanDetailState.plan, PlanDetailState.found
    return rx.fragment(
        section(
            rx.cond(
                PlanDetailState.loaded & ~found,
                _not_found(t("This plan is no longer on sale. Have a look at the other plans for your trip.")),
                rx.grid(
                    rx.vstack(
                        rx.hstack(rx.el.span(plan.destination_name, class_name="t-caption"),
                                  rx.cond(plan.is_best_value, best_value_badge()), spacing="3", align="center",
                                  min_height="1.5rem"),
                        rx.el.h1(plan.name, class_name="t-section", min_height="1lh"),
                        rx.el.p(t(INSTALL_ADVICE), class_name="t-body t-muted"),
                        _plan_facts(),
                        spacing="3",
                        align="start",
                    ),
                    _buy_card(),
                    rx.cond(found, rx.vstack(rx.el.h2(t("Where it works"), class_name="t-card"),
                                             covered_countries(PlanDetailState.coverage), spacing="3", align="start")),
                    columns=rx.breakpoints(initial="1", md="3fr 2fr"),
                    spacing="6",
                    align="start",
                    min_height=rx.cond(found, "0", "100vh"),
                ),
            )
        )
    )
