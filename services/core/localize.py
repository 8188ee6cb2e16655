"""Catalogue words in the reader's language: places, plan titles, validity, prices.

The catalogue stores English (`services.catalog`); pages and emails show it through these.
"""

from __future__ import annotations

import datetime as dt

from services.core.i18n import DEFAULT_LANGUAGE, babel_locale, country_name, format_date, format_moment, ntranslate, translate
from services.core.models import Package
from services.core.money import format_money
from services.core.units import format_data_size


def place_name(lang: str, kind: str, code: str, english: str) -> str:
    """A plan's destination: a country (ISO code), a region (its English name) or "Global"."""
    if kind == "local" and len(code) == 2:
        return country_name(code, lang, english=english)
    return translate(lang, english)


def days_text(lang: str, days: int) -> str:
    """ "30 days", "1 day", "30 Tage", "30日間"."""
    return ntranslate(lang, "{n} day", "{n} days", days)


def offer_title(lang: str, *, place: str, data_mb: int | None, unlimited: bool, days: int) -> str:
    """A plan's name, e.g. "Japan 10 GB · 30 days" ("日本 10 GB・30日間")."""
    return translate(lang, "{place} {data} · {days}", place=place,
                     data=format_data_size(data_mb, unlimited=unlimited, lang=lang), days=days_text(lang, days))


def plan_title(lang: str, *, kind: str, destination_code: str, destination_name: str, data_mb: int | None,
               unlimited: bool, days: int) -> str:
    """A catalogue plan's name in `lang`, from its parts (the stored name is English)."""
    place = place_name(lang, kind, destination_code, destination_name)
    return offer_title(lang, place=place, data_mb=data_mb, unlimited=unlimited, days=days)


def package_title(package: Package, lang: str) -> str:
    """A catalogue package's name in `lang` (the stored `Package.name` is English)."""
    return plan_title(lang, kind=package.kind, destination_code=package.destination_code,
                      destination_name=package.destination_name, data_mb=package.data_mb,
                      unlimited=package.unlimited, days=package.validity_days)


def date_text(lang: str, value: dt.date | dt.datetime | None) -> str:
    """A day as readers of `lang` write it ("5 Jan 2026", "05.01.2026", "2026/01/05"); "" for none."""
    return format_date(value, lang) if value else ""


def moment_text(lang: str, value: dt.datetime | None) -> str:
    """A UTC moment to the minute as readers of `lang` write it ("Jan 5, 2026, 2:30 PM UTC"); "" for none."""
    if value is None:
        return ""
    return translate(lang, "{when} UTC", when=format_moment(value, lang))


def money_text(lang: str, amount_minor: int, currency: str) -> str:
    """An amount in `currency`, written the way readers of `lang` write it ("9,99 $US" in French)."""
    return format_money(amount_minor, currency, locale=babel_locale(lang or DEFAULT_LANGUAGE))
