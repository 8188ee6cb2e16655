"""Choosing the reader's language, and numbers, dates, data sizes, money and names in it."""

from __future__ import annotations

import datetime as dt

from services.core import (
    country_name,
    days_text,
    format_data_size,
    format_date,
    money_text,
    negotiate,
    ntranslate,
    offer_title,
    place_name,
)
from services.core.destinations import search_destinations


def test_query_wins_then_profile_then_cookie_then_browser() -> None:
    assert negotiate(query="ja", profile="de", cookie="fr", accept_language="es") == "ja"
    assert negotiate(query="", profile="de", cookie="fr", accept_language="es") == "de"
    assert negotiate(cookie="fr", accept_language="es") == "fr"
    assert negotiate(accept_language="es") == "es"
    assert negotiate() == "en"


def test_unknown_values_fall_through() -> None:
    assert negotiate(query="xx", profile="klingon", cookie="", accept_language="fr") == "fr"
    assert negotiate(query="JA") == "ja"


def test_accept_language_by_quality_and_region_subtags() -> None:
    assert negotiate(accept_language="pt-BR, de;q=0.5, ja-JP;q=0.8") == "ja"
    assert negotiate(accept_language="fr-CH, fr;q=0.9, en;q=0.8") == "fr"
    assert negotiate(accept_language="ja;q=0, zh") == "en"
    assert negotiate(accept_language="garbage;q=x, de") == "de"


def test_data_sizes_follow_the_locale() -> None:
    assert format_data_size(1536) == "1.5 GB"
    assert format_data_size(1536, lang="de") == "1,5\xa0GB"
    assert format_data_size(1536, lang="fr") == "1,5\u202fGo"
    assert format_data_size(None, lang="ja") == "無制限"


def test_money_follows_the_locale() -> None:
    assert money_text("en", 999, "USD") == "$9.99"
    assert money_text("de", 999, "EUR") == "9,99\xa0€"
    assert money_text("fr", 999, "USD") == "9,99\xa0$US"
    assert money_text("ja", 1200, "JPY") == "￥1,200"


def test_dates_and_counts_follow_the_locale() -> None:
    day = dt.date(2026, 1, 5)
    assert format_date(day, "en") == "Jan 5, 2026"
    assert format_date(day, "de") == "05.01.2026"
    assert format_date(day, "ja") == "2026/01/05"
    assert days_text("en", 1) == "1 day" and days_text("en", 30) == "30 days"
    assert days_text("de", 30) == "30 Tage" and days_text("ja", 30) == "30日間"
    assert ntranslate("fr", "{n} plan", "{n} plans", 1) == "1 forfait"
    assert ntranslate("es", "{n} plan", "{n} plans", 1200) == "1.200 planes"


def test_places_and_plan_names_in_the_readers_language() -> None:
    assert country_name("JP", "es") == "Japón" and country_name("JP", "ja") == "日本"
    assert country_name("RU", "en", english="Russia") == "Russia"
    assert place_name("fr", "regional", "europe", "Europe") == "Europe"
    assert place_name("de", "regional", "asia", "Asia") == "Asien"
    assert place_name("ja", "global", "global", "Global") == "グローバル"
    assert offer_title("en", place="Japan", data_mb=10240, unlimited=False, days=30) == "Japan 10 GB · 30 days"
    assert offer_title("ja", place="日本", data_mb=10240, unlimited=False, days=30) == "日本 10 GB・30日間"


def test_search_finds_a_country_by_its_name_in_any_language() -> None:
    for query in ("Japan", "Japón", "Japon", "日本", "japon"):
        assert search_destinations(query)[0].code == "JP", query
    assert search_destinations("Allemagne")[0].code == "DE"
    assert search_destinations("ドイツ")[0].code == "DE"
    assert search_destinations("Estados Unidos")[0].code == "US"
