"""The destination search box with instant results.

The input is uncontrolled: the browser owns its text, and the server's answers only fill the
results. A box bound to `query` was set back to whatever the server had last seen, so under load it
dropped the characters typed meanwhile. Keystrokes reach the server debounced (one search per pause).

Text typed before the app started is searched once the box is mounted (`take_up_early_text`); Enter
pressed then does nothing (`native_submit_guard`), and the text stays.
"""

import reflex as rx

from esim_app.components.forms import take_up_early_text
from esim_app.components.ui import card
from esim_app.i18n import t
from esim_app.state.search import DestinationSearchState, SearchResult

SEARCH_DEBOUNCE_MS = 150
BOX_ID = "destination-search"


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
                default_value=DestinationSearchState.query,
                on_change=DestinationSearchState.set_query.debounce(SEARCH_DEBOUNCE_MS),
                on_mount=take_up_early_text(BOX_ID),
                placeholder=t("Where are you going? Try “Japan” or “USA”"),
                aria_label=t("Search destinations"),
                auto_complete="off",
                type="search",
                name="destination",
                id=BOX_ID,
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
            card(rx.text(t("No destination matches that. Check the spelling or try a country code."),
                         class_name="t-secondary"),
                 padding="1rem", class_name="search-results"),
        ),
        on_submit=DestinationSearchState.open_first,
        class_name="search-box",
        role="search",
    )
