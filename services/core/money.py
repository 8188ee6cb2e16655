"""Formatting money held as integer minor units."""

import functools
import re
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision


@functools.lru_cache(maxsize=8192)
def format_money(amount_minor: int, currency: str, *, locale: str = "en_US") -> str:
    """`format_money(999, "USD")` → "$9.99"; respects each currency's decimals (JPY has none).
    Cached: pages show the same few hundred prices to every visitor, and Babel's formatting was ~5 %
    of a web worker's CPU under load (bench/load.py)."""
    units = Decimal(amount_minor).scaleb(-get_currency_precision(currency))
    return format_currency(units, currency, locale=locale)


_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,4})?$")


def parse_money(text: str, currency: str) -> int | None:
    """Minor units of an amount typed in major units ("12.50" USD -> 1250, "1,200" -> 120000);
    None when it is not a plain non-negative amount or has more decimals than `currency` uses."""
    cleaned = text.strip().replace(",", "").replace(" ", "").lstrip("$€£¥")
    if not _AMOUNT.match(cleaned):
        return None
    try:
        units = Decimal(cleaned).scaleb(get_currency_precision(currency))
    except InvalidOperation:
        return None
    return int(units) if units == units.to_integral_value() else None


def amount_text(amount_minor: int, currency: str) -> str:
    """The plain amount for an input field: `amount_text(1250, "USD")` -> "12.50" (no symbol, no grouping)."""
    return f"{Decimal(amount_minor).scaleb(-get_currency_precision(currency)):f}"
