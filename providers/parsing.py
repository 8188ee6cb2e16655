"""Lenient parsing of provider values: numbers that arrive as strings, several time formats, LPA strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M")


def to_decimal(value: Any) -> Decimal | None:
    """`9.5`, `"9.50"` and `2` all become `Decimal`; empty values become None. Floats go through `str`."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def to_int(value: Any, default: int = 0) -> int:
    """`7`, `"7"` and `7.0` become 7; empty values become `default`."""
    if value is None or value == "":
        return default
    return int(Decimal(str(value)))


def parse_time(value: Any) -> dt.datetime | None:
    """A provider timestamp as an aware UTC datetime.

    Accepts ISO-8601 (with `Z`, `+00:00` or `+0000`), Airalo's `YYYY-MM-DD HH:MM:SS` (no zone: UTC,
    an assumption the spec marks [U]) and epoch milliseconds.
    """
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value / 1000, dt.UTC)
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in _TIME_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            raise ValueError(f"unrecognised timestamp {text!r}") from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def split_lpa(lpa: str) -> tuple[str, str]:
    """`LPA:1$<smdp>$<matching id>` -> (smdp, matching id)."""
    parts = lpa.split("$")
    if len(parts) < 3:
        raise ValueError("not an LPA activation string")
    return parts[1], parts[2]


def strip_scheme(address: str) -> str:
    """eSIM Go examples give the SM-DP+ address with a scheme; the LPA string must not have one [U]."""
    for scheme in ("https://", "http://"):
        if address.lower().startswith(scheme):
            return address[len(scheme) :]
    return address
