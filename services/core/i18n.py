"""Languages: gettext catalogues, choosing the reader's language, and locale-aware formatting.

Catalogues are `locales/<lang>/LC_MESSAGES/messages.po`, extracted with Babel (`make translations`)
and read in memory at the first use: a translator adds a language by adding its folder. English is
the source language and needs no catalogue. Messages use `str.format` placeholders (`{days}`).

    translate("ja", "Buy now")                      -> "今すぐ購入"
    ntranslate("de", "{n} day", "{n} days", 3)      -> "3 Tage"
    negotiate(query="", profile="", cookie="", accept_language="fr-CH, fr;q=0.9") -> "fr"
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"
_BABEL_LOCALES = {"en": "en_US"}  # the formats English pages always had ($9.99, Jan 5, 2026)


def N_(message: str) -> str:  # noqa: N802  (the gettext convention Babel extracts)
    """Marks a message for extraction where it is defined; translate it where it is shown."""
    return message


@functools.cache
def languages() -> tuple[str, ...]:
    """English first, then every language with a catalogue, by code."""
    found = sorted(p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (DEFAULT_LANGUAGE, *[code for code in found if code != DEFAULT_LANGUAGE])


@functools.cache
def language_names() -> dict[str, str]:
    """Each language named in itself: {"en": "English", "es": "Español", "ja": "日本語", ...}."""
    names = {}
    for code in languages():
        name = Locale.parse(code).get_display_name(code) or code
        names[code] = name[:1].upper() + name[1:]
    return names


def is_language(code: str) -> bool:
    return code in languages()


@functools.cache
def _catalogue(lang: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    found: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and not message.fuzzy and all(strings):
            found[message.id] = message.string
    return found


def translate(lang: str, message: str, **params: object) -> str:
    """`message` in `lang` (English when the catalogue lacks it), with `params` filled in."""
    text = _catalogue(lang).get(message, message)
    text = text if isinstance(text, str) else message
    return text.format(**params) if params else text


def ntranslate(lang: str, singular: str, plural: str, n: int, **params: object) -> str:
    """The form of a counted message that `n` takes in `lang`; `{n}` and `params` filled in."""
    forms = _catalogue(lang).get((singular, plural))
    if isinstance(forms, tuple):
        other = len(forms) == 1 or babel_locale(lang).plural_form(n) != "one"
        text = forms[min(int(other), len(forms) - 1)]
    else:
        text = singular if n == 1 else plural
    return text.format(n=format_number(n, lang), **params)


def babel_locale(lang: str) -> Locale:
    """The Babel locale that formats numbers, dates and money for `lang`."""
    return _parsed_locale(_BABEL_LOCALES.get(lang, lang if is_language(lang) else _BABEL_LOCALES[DEFAULT_LANGUAGE]))


@functools.cache
def _parsed_locale(name: str) -> Locale:
    """Parsed once per supported language (keyed by the name, never by what a visitor sent): Babel
    parses a name on every formatting call, 30 µs a number against 11 µs with the parsed locale."""
    return Locale.parse(name)


def format_number(value: float | int, lang: str) -> str:
    return format_decimal(value, locale=babel_locale(lang))


def format_date(value: dt.date | dt.datetime, lang: str, *, form: str = "medium") -> str:
    """`format_date(date(2026, 1, 5), "de")` -> "05.01.2026"; `form` is a Babel format name."""
    return _babel_date(value, format=form, locale=babel_locale(lang))


def format_moment(value: dt.datetime, lang: str) -> str:
    """A UTC moment to the minute: `format_moment(datetime(2026, 1, 5, 14, 30, tzinfo=UTC), "de")` ->
    "05.01.2026, 14:30" (naive values are taken as UTC)."""
    locale = babel_locale(lang)
    day = _babel_date(value, format="medium", locale=locale)
    time = _babel_time(value, format="short", tzinfo=dt.UTC, locale=locale)
    return str(locale.datetime_formats["medium"]).replace("{1}", day).replace("{0}", time)


def country_name(code: str, lang: str, *, english: str = "") -> str:
    """A country's name in `lang` (Babel's CLDR data); `english` (our everyday name) for English."""
    if lang == DEFAULT_LANGUAGE and english:
        return english
    return babel_locale(lang).territories.get(code.upper()) or english or code


@functools.cache
def country_names(code: str) -> tuple[str, ...]:
    """Every language's name for a country, for search ("Japón", "Japon", "日本")."""
    names = (babel_locale(lang).territories.get(code.upper()) for lang in languages())
    return tuple(dict.fromkeys(name for name in names if name))


def _accepted(header: str) -> list[str]:
    """Primary language subtags of an `Accept-Language` header, most wanted first."""
    ranked = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, rest = part.strip().partition(";")
        weight = 1.0
        if rest.strip().startswith("q="):
            try:
                weight = float(rest.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            ranked.append((-weight, position, tag.split("-")[0].lower()))
    return [tag for *_, tag in sorted(ranked)]


def negotiate(*, query: str = "", profile: str = "", cookie: str = "", accept_language: str = "") -> str:
    """The reader's language: `?lang=`, else the signed-in customer's profile, else the language
    they chose before (cookie), else the browser's `Accept-Language`, else English."""
    for candidate in (query, profile, cookie):
        code = (candidate or "").strip().lower()
        if is_language(code):
            return code
    for code in _accepted(accept_language or ""):
        if is_language(code):
            return code
    return DEFAULT_LANGUAGE
