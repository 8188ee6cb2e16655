"""Small helpers the admin order and customer states share: dates and amounts for display and input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from services.core import format_money

MAX_NOTE = 500


def when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC") if moment else ""


def money(cents: int | None, currency: str) -> str:
    return "—" if cents is None else format_money(cents, currency)


def cents_from(text: str) -> int | None:
    """"12.50" → 1250; None for an empty or unreadable amount."""
    try:
        value = Decimal((text or "").strip().replace(",", ""))
    except InvalidOperation:
        return None
    return int(value * 100) if value.is_finite() and value >= 0 else None


def date_from(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None
