"""Data sizes in words: the one formatter for plans, usage and emails."""

from __future__ import annotations

from babel.units import format_unit

from services.core.i18n import DEFAULT_LANGUAGE, babel_locale, translate


def format_data_size(megabytes: int | None, *, unlimited: bool = False, lang: str = DEFAULT_LANGUAGE) -> str:
    """1024 → "1 GB", 1536 → "1.5 GB" ("1,5 GB" in German, "1,5 Go" in French), 500 → "500 MB",
    None or unlimited → "Unlimited" (in `lang`)."""
    if unlimited or megabytes is None:
        return translate(lang, "Unlimited")
    if megabytes >= 1024:
        return format_unit(round(megabytes / 1024, 1), "digital-gigabyte", length="short", locale=babel_locale(lang))
    return format_unit(megabytes, "digital-megabyte", length="short", locale=babel_locale(lang))
