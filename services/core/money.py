"""Formatting money held as integer minor units."""

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision


def format_money(amount_minor: int, currency: str, *, locale: str = "en_US") -> str:
    """`format_money(999, "USD")` → "$9.99"; respects each currency's decimals (JPY has none)."""
    units = Decimal(amount_minor).scaleb(-get_currency_precision(currency))
    return format_currency(units, currency, locale=locale)
