"""Page-view rules that need no database: filters, destination keys, words for every error code."""

from __future__ import annotations

import pytest

from esim_app.errors import FALLBACK, MESSAGES, message_for
from services import catalog, store
from services.catalog import pages
from services.core import ServiceError


def test_filter_choices_read_as_thresholds() -> None:
    assert [(c.key, c.label) for c in pages.DATA_CHOICES][:2] == [("any", "Any amount"), ("1", "1 GB or more")]
    assert [c.label for c in pages.DAY_CHOICES][-1] == "30 days or more"
    assert [c.key for c in pages.SORT_CHOICES] == ["price", "data", "days"]


def test_an_unknown_filter_is_refused_before_any_read() -> None:
    with pytest.raises(catalog.InvalidFilter):
        pages.country_plans("JP", catalog.PlanFilters(days="14"), currency=None)


@pytest.mark.parametrize("destination", ["Japan!", "japan", "xx", "antarctica-plus"])
def test_the_packages_api_names_countries_by_iso_code_only(destination: str) -> None:
    with pytest.raises(catalog.UnknownDestination):
        pages.packages(destination, sort="price", include_multi=False)


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(catalog.UnknownDestination):
        pages.region_plans("atlantis", sort="price", currency=None)


def test_popular_destinations_are_known_countries() -> None:
    assert [d.code for d in catalog.POPULAR_DESTINATIONS] == list(pages.POPULAR)


@pytest.mark.parametrize("error", [
    catalog.UnknownDestination, catalog.InvalidSort, catalog.InvalidFilter, catalog.UnknownCurrency,
    catalog.OfferNotFound, store.InvalidSetting,
])
def test_every_catalog_and_store_error_has_fixed_words(error: type[ServiceError]) -> None:
    exc = error("internal detail 'XX' for the logs")
    assert error.code in MESSAGES
    assert message_for(exc) == MESSAGES[error.code] != FALLBACK
    assert "XX" not in message_for(exc)
