"""Parsing and validating store settings' values: each raises `InvalidSetting` with words an admin can act on."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import pycountry

from services.core.destinations import REGIONS, get_destination
from services.core.errors import ServiceError
from services.core.settings import PROVIDER_IDS

STORE_CURRENCY = "USD"
ROUNDING_NONE = "none"
MAX_MARGIN_PERCENT = Decimal(1000)
MAX_MIN_MARGIN_CENTS = 100_000
_ROUNDING_PATTERN = re.compile(r"0\.\d\d")
MAX_REFUND_WINDOW_DAYS = 365
MAX_SUPPORT_REFUND_LIMIT_CENTS = 10_000_000
MAX_BRAND_NAME = 60
MAX_NOTICE = 300
_EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class InvalidSetting(ServiceError):
    code = "invalid_setting"


# -- validation, shared by setters and by reading stored values ---------------------------------


def decimal(value: object, label: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str | float):
        raise InvalidSetting(f"{label} must be a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidSetting(f"{label} must be a number, not {value!r}.") from None
    if not number.is_finite():
        raise InvalidSetting(f"{label} must be a finite number.")
    return number


def percent(value: object, label: str) -> Decimal:
    number = decimal(value, label)
    if not 0 <= number <= MAX_MARGIN_PERCENT:
        raise InvalidSetting(f"{label} must be between 0 and {MAX_MARGIN_PERCENT} percent.")
    return number.normalize() if number == number.to_integral() else number


def min_margin(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidSetting("Minimum margin must be a whole number of cents.")
    try:
        cents = int(value)
    except ValueError:
        raise InvalidSetting(f"Minimum margin must be a whole number of cents, not {value!r}.") from None
    if not 0 <= cents <= MAX_MIN_MARGIN_CENTS:
        raise InvalidSetting(f"Minimum margin must be between 0 and {MAX_MIN_MARGIN_CENTS} cents.")
    return cents


def rounding(value: object) -> str:
    mode = str(value).strip().lower()
    if mode != ROUNDING_NONE and not _ROUNDING_PATTERN.fullmatch(mode):
        raise InvalidSetting('Price rounding must be "none" or a price ending such as "0.99" or "0.49".')
    return mode


def refund_window(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidSetting("Refund window must be a whole number of days.")
    try:
        days = int(value)
    except ValueError:
        raise InvalidSetting(f"Refund window must be a whole number of days, not {value!r}.") from None
    if not 0 <= days <= MAX_REFUND_WINDOW_DAYS:
        raise InvalidSetting(f"Refund window must be between 0 and {MAX_REFUND_WINDOW_DAYS} days.")
    return days


def amount(value: object, label: str) -> Decimal:
    number = decimal(value, label)
    if not 0 <= number <= 10_000_000:
        raise InvalidSetting(f"{label} must be between 0 and 10,000,000.")
    return number


def provider_list(value: str) -> frozenset[str]:
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        raise InvalidSetting("Expected a JSON list.") from None
    if not isinstance(data, list):
        raise InvalidSetting("Expected a JSON list.")
    return frozenset(provider_key(str(p)) for p in data)


def refund_limit(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidSetting("Support refund limit must be a whole number of cents.")
    try:
        cents = int(value)
    except ValueError:
        raise InvalidSetting(f"Support refund limit must be a whole number of cents, not {value!r}.") from None
    if not 0 <= cents <= MAX_SUPPORT_REFUND_LIMIT_CENTS:
        raise InvalidSetting(f"Support refund limit must be between 0 and {MAX_SUPPORT_REFUND_LIMIT_CENTS} cents.")
    return cents


def brand_name(value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > MAX_BRAND_NAME:
        raise InvalidSetting(f"Brand name must be at most {MAX_BRAND_NAME} characters.")
    return text


def support_email(value: object) -> str:
    text = str(value).strip().lower()
    if text and (len(text) > 254 or not _EMAIL_PATTERN.fullmatch(text)):
        raise InvalidSetting(f"Support email must be an email address such as help@example.com, not {value!r}.")
    return text


def notice(value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > MAX_NOTICE:
        raise InvalidSetting(f"Notice must be at most {MAX_NOTICE} characters.")
    return text


def flag(value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise InvalidSetting(f"Expected true or false, not {value!r}.")
    return value.lower() == "true"


def destination_key(value: str) -> str:
    text = str(value).strip()
    if text.lower() == "global" or text.lower() in {r.slug for r in REGIONS}:
        return text.lower()
    if len(text) == 2 and get_destination(text):
        return text.upper()
    raise InvalidSetting(f"{value!r} is not a country code, a region ({', '.join(r.slug for r in REGIONS)}) or global.")


def rates(given: dict[str, object]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for code, rate in given.items():
        currency = str(code).strip().upper()
        if currency == STORE_CURRENCY:
            raise InvalidSetting(f"{STORE_CURRENCY} is the base currency; leave it out of the rates.")
        if len(currency) != 3 or pycountry.currencies.get(alpha_3=currency) is None:
            raise InvalidSetting(f"{code!r} is not an ISO 4217 currency code.")
        number = decimal(rate, f"Rate for {currency}")
        if number <= 0:
            raise InvalidSetting(f"Rate for {currency} must be above zero.")
        out[currency] = number
    return out


def json_map(value: str, parse_key: Callable[[str], str], parse_value: Callable[[object], Decimal]) -> dict:
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        raise InvalidSetting("Expected a JSON object.") from None
    if not isinstance(data, dict):
        raise InvalidSetting("Expected a JSON object.")
    return {parse_key(k): parse_value(v) for k, v in data.items()}


def provider_key(value: str) -> str:
    if value not in PROVIDER_IDS:
        raise InvalidSetting(f"Unknown provider {value!r}.")
    return value
