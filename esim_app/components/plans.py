"""Plan cards and the plan-list controls (sort, filters, the currency the visitor pays in)."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.ui import button_link, card
from esim_app.i18n import t
from esim_app.state.catalog import Country, DisplayCurrencyState, Option, PlanCard, PlanListState


def _tid(name: str) -> dict[str, str]:
    return {"data-testid": name}


def device_check_link() -> rx.Component:
    """To the compatibility checker, beside a plan's price and on checkout."""
    return rx.el.a(rx.icon("smartphone", size=16), t("Check that your phone supports eSIM"), href=routes.DEVICES,
                   class_name="link-inline", custom_attrs=_tid("device-check-link"))


def best_value_badge() -> rx.Component:
    """On the plans with the lowest price per GB of the page (`services.catalog.value`)."""
    return rx.el.span(t("Best value"), class_name="badge-best", title=t("Lowest price per GB of these plans"),
                      custom_attrs=_tid("best-price"))


def plan_card(plan: PlanCard, *, checkout_query: rx.Var[str] | str = "", details: bool = True) -> rx.Component:
    """One offer. `checkout_query` is appended to the checkout link (top-ups name the eSIM there).

    Plain elements styled by `assets/theme.css` (`.plan-card`), not themed layout components: a list's
    cards are drawn when its state arrives, in one uninterrupted render a phone must get through before
    it responds again, and each themed box or stack costs a component and its style rules."""
    return rx.el.div(
        rx.el.div(
            rx.el.span(plan.destination_name, class_name="t-caption"),
            rx.cond(plan.is_best_value, best_value_badge()),
            class_name="plan-card-row",
        ),
        rx.el.div(
            rx.el.span(plan.data, class_name="t-card", custom_attrs=_tid("plan-data")),
            rx.el.span("·", class_name="t-muted"),
            rx.el.span(plan.validity, class_name="t-card", custom_attrs=_tid("plan-validity")),
            class_name="plan-card-size",
        ),
        rx.el.span(plan.coverage, class_name="t-secondary"),  # (hidden when empty)
        rx.el.div(
            rx.el.span(plan.price, class_name="price", custom_attrs=_tid("plan-price")),
            rx.el.span(plan.per_gb, class_name="t-secondary"),
            class_name="plan-card-price",
        ),
        rx.el.div(
            button_link(t("Buy now"), "/checkout/" + plan.slug + checkout_query, size="sm",
                        custom_attrs=_tid("buy-button")),
            *([rx.el.a(t("Details"), href="/plans/" + plan.slug, class_name="btn btn-ghost btn-sm")] if details else []),
            class_name="plan-card-actions",
        ),
        class_name="card card-hover plan-card",
        custom_attrs=_tid("plan-card"),
    )


def _select(name: str, label: str | rx.Var[str], options: rx.Var[list[Option]], value: rx.Var[str],
            on_change: rx.EventHandler) -> rx.Component:
    """A native select: no popup component to load and draw for a choice among a few words."""
    return rx.el.div(
        rx.el.label(label, html_for=name, class_name="t-caption"),
        rx.el.select(rx.foreach(options, lambda o: rx.el.option(o.label, value=o.key)), id=name, value=value,
                     on_change=on_change, class_name="native-select control-select"),
        class_name="control",
    )


def _switch(label: rx.Var[str], name: rx.Var[str], checked: rx.Var[bool], on_change: rx.EventHandler) -> rx.Component:
    """A labelled switch as tall as a select beside it, so the row's labels and controls line up."""
    return rx.vstack(
        rx.el.label(label, class_name="t-caption"),
        rx.flex(rx.switch(checked=checked, on_change=on_change, aria_label=name), height="var(--space-6)",
                align="center"),
        spacing="1",
    )


def currency_select(on_change: rx.EventHandler = DisplayCurrencyState.set_currency) -> rx.Component:
    """The currency the visitor pays in (prices shown are charged in it). The trigger is the button a
    screen reader lands on: it carries the name (the high-level `rx.select` leaves it nameless)."""
    return rx.vstack(
        rx.el.label(t("Show prices in"), class_name="t-caption"),
        rx.select.root(
            rx.select.trigger(aria_label=t("Show prices in"), custom_attrs=_tid("currency-select")),
            rx.select.content(rx.foreach(DisplayCurrencyState.currencies, lambda c: rx.select.item(c, value=c))),
            value=rx.cond(DisplayCurrencyState.currency != "", DisplayCurrencyState.currency, "USD"),
            on_change=on_change,
        ),
        spacing="1",
    )


def plan_controls(*, local: bool) -> rx.Component:
    """Sort, the currency and, on a country's list (`local`), its filters: drawn in the prerendered page."""
    filters = [
        _select("data-filter", t("Data"), PlanListState.data_options, PlanListState.data_filter, PlanListState.set_data_filter),
        _select("days-filter", t("Duration"), PlanListState.day_options, PlanListState.days_filter, PlanListState.set_days_filter),
        _switch(t("Unlimited only"), t("Unlimited plans only"), PlanListState.unlimited_only,
                PlanListState.set_unlimited_only),
        _switch(t("Regional & global"), t("Include regional and global plans"), PlanListState.include_multi,
                PlanListState.set_include_multi),
    ] if local else []
    return rx.flex(
        _select("sort", t("Sort by"), PlanListState.sort_options, PlanListState.sort, PlanListState.set_sort),
        *filters,
        rx.spacer(),
        currency_select(),
        wrap="wrap",
        gap="1rem",
        align="end",
        width="100%",
        margin_bottom="1.5rem",
    )


def plan_grid(plans: rx.Var[list[PlanCard]]) -> rx.Component:
    return rx.el.div(rx.foreach(plans, lambda plan: plan_card(plan)), class_name="plan-grid")


def covered_countries(countries: rx.Var[list[Country]]) -> rx.Component:
    """The countries a plan or region covers, as chips (plain elements: a region lists dozens)."""
    return rx.el.div(
        rx.foreach(countries, lambda c: rx.el.span(c.flag + " " + c.name, class_name="country-chip",
                                                   custom_attrs=_tid("covered-country"))),
        class_name="country-chips",
    )
