"""Destination search on the landing page (public, no authentication)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app import routes
from esim_app.state.locale import reader_language
from services import catalog
from services.core import country_name

MAX_QUERY_LENGTH = 60


@dataclass(frozen=True)
class SearchResult:
    name: str
    flag: str
    href: str


class DestinationSearchState(rx.State):
    query: str = ""
    results: list[SearchResult] = []

    @rx.event
    async def set_query(self, value: str) -> None:
        self.query = value[:MAX_QUERY_LENGTH]
        found, lang = await catalog.search(self.query), await reader_language(self)
        self.results = [SearchResult(country_name(d.code, lang, english=d.name), d.flag, routes.destination(d.slug))
                        for d in found]

    @rx.event
    def open_first(self, _form: dict[str, str]):
        """Enter in the search box opens the best match."""
        if self.results:
            return rx.redirect(self.results[0].href)

    @rx.var
    def no_match(self) -> bool:
        return bool(self.query.strip()) and not self.results
