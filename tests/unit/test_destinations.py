"""Destination search: prefixes, aliases, ISO codes and small typos."""

import pytest

from services.core.destinations import all_destinations, flag_emoji, get_destination, search_destinations


@pytest.mark.parametrize(
    ("query", "expected"),
    [("jap", "Japan"), ("JAPAN", "Japan"), ("japn", "Japan"), ("USA", "United States"),
     ("uk", "United Kingdom"), ("us", "United States"), ("fr", "France"), ("gremany", "Germany"),
     ("dubai", "United Arab Emirates"), ("korea", "South Korea"), ("turkey", "Türkiye"),
     ("ivory coast", "Côte d'Ivoire"), ("viet", "Vietnam")],
)
def test_search_puts_the_expected_country_first(query: str, expected: str) -> None:
    assert search_destinations(query)[0].name == expected


def test_search_ignores_empty_and_nonsense_queries() -> None:
    assert search_destinations("   ") == []
    assert search_destinations("qqqq") == []


def test_search_returns_at_most_the_limit() -> None:
    assert len(search_destinations("a", limit=5)) == 5


def test_every_country_has_a_unique_slug_and_a_flag() -> None:
    countries = all_destinations()
    assert len(countries) >= 190
    assert len({c.slug for c in countries}) == len(countries)
    assert all(len(c.flag) == 2 for c in countries)


def test_lookup_by_code_or_slug() -> None:
    assert get_destination("jp").name == "Japan"
    assert get_destination("united-states").code == "US"
    assert get_destination("atlantis") is None


def test_flag_emoji_is_two_regional_indicators() -> None:
    assert flag_emoji("JP") == "🇯🇵"
