"""The destination search box with instant results."""

import reflex as rx

from esim_app.components.ui import card
from esim_app.state.search import DestinationSearchState, SearchResult


def _result(result: SearchResult) -> rx.Component:
    return rx.el.a(
        rx.el.span(result.flag, class_name="flag", font_size="1.5rem"),
        rx.el.span(result.name, font_weight="600"),
        rx.spacer(),
        rx.icon("arrow-right", size=16, class_name="t-muted"),
        href=result.href,
        class_name="search-result",
        custom_attrs={"data-testid": "search-result"},
    )


def destination_search() -> rx.Component:
    return rx.el.form(
        rx.box(
            rx.icon("search", size=20, position="absolute", left="1rem", top="50%", transform="translateY(-50%)",
                    class_name="t-muted"),
            rx.el.input(
                value=DestinationSearchState.query,
                on_change=DestinationSearchState.set_query,
                placeholder="Where are you going? Try “Japan” or “USA”",
                aria_label="Search destinations",
                auto_complete="off",
                type="search",
                name="destination",
                class_name="search-input",
                custom_attrs={"data-testid": "destination-search"},
            ),
            position="relative",
        ),
        rx.cond(
            DestinationSearchState.results.length() > 0,
            card(rx.foreach(DestinationSearchState.results, _result), padding="0.25rem 0",
                 class_name="search-results"),
        ),
        rx.cond(
            DestinationSearchState.no_match,
            card(rx.text("No destination matches that. Check the spelling or try a country code.",
                         class_name="t-secondary"),
                 padding="1rem", class_name="search-results"),
        ),
        on_submit=DestinationSearchState.open_first,
        class_name="search-box",
        role="search",
    )
