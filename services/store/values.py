"""Parsing and validating store settings' values: each raises `InvalidSetting` with words an admin can act on."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import pycountry
from babel.numbers import get_currency_precision

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
MAX_LEGAL_NAME = 120
MAX_LEGAL_ADDRESS = 300
MAX_ADDRESS_LINES = 6
_TAX_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}")
_EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Stripe takes these only in whole units counted in hundredths, unlike their ISO minor units: not sold in.
_STRIPE_SPECIAL = frozenset({"HUF", "ISK", "TWD", "UGX"})
MAX_ROUNDING_STEP = 10_000


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


def json_list(value: str) -> list:
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        raise InvalidSetting("Expected a JSON list.") from None
    if not isinstance(data, list):
        raise InvalidSetting("Expected a JSON list.")
    return data


def provider_list(value: str) -> frozenset[str]:
    return frozenset(provider_key(str(p)) for p in json_list(value))


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


def legal_name(value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > MAX_LEGAL_NAME:
        raise InvalidSetting(f"Company name must be at most {MAX_LEGAL_NAME} characters.")
    return text


def legal_address(value: object) -> str:
    """Up to six lines (line breaks kept, blank lines and extra spaces dropped)."""
    lines = [" ".join(line.split()) for line in str(value).splitlines()]
    text = "\n".join(line for line in lines if line)
    if len(text) > MAX_LEGAL_ADDRESS or text.count("\n") >= MAX_ADDRESS_LINES:
        raise InvalidSetting(f"Address must be at most {MAX_ADDRESS_LINES} lines and {MAX_LEGAL_ADDRESS} characters.")
    return text


def tax_id(value: object) -> str:
    text = " ".join(str(value).split())
    if text and not _TAX_ID_PATTERN.fullmatch(text):
        raise InvalidSetting(f"VAT or registration number must be 2 to 40 letters, digits, spaces, dots, dashes or "
                             f"slashes, such as GB123456789, not {value!r}.")
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


def sale_currency(value: object) -> str:
    """An ISO 4217 code customers may pay in: Stripe charges it in the minor units Babel knows (0 or 2 decimals)."""
    code = str(value).strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise InvalidSetting(f"{value!r} is not an ISO 4217 currency code.")
    if code in _STRIPE_SPECIAL or get_currency_precision(code) not in (0, 2):
        raise InvalidSetting(f"Card payments in {code} need amounts Stripe counts differently; choose another currency.")
    return code


def sale_currencies(value: str) -> tuple[str, ...]:
    return tuple(sorted({sale_currency(c) for c in json_list(value)} - {STORE_CURRENCY}))


def currency_rounding(value: object, currency: str) -> str:
    """How prices in `currency` are rounded up: "none" (to the minor unit), an ending such as "0.99"
    (currencies with cents), or a whole number N (up to a multiple of N units: "1" for whole yen)."""
    mode = str(value).strip().lower()
    if mode == ROUNDING_NONE:
        return mode
    if _ROUNDING_PATTERN.fullmatch(mode):
        if get_currency_precision(currency) != 2:
            raise InvalidSetting(f"{currency} has no cents: round it to whole units (e.g. 1 or 10) or none.")
        return mode
    if mode.isdigit() and 1 <= int(mode) <= MAX_ROUNDING_STEP:
        return str(int(mode))
    raise InvalidSetting(f'Rounding for {currency} must be "none", an ending such as "0.99", '
                         f"or whole units from 1 to {MAX_ROUNDING_STEP}.")


def roundings(value: str) -> dict[str, str]:
    return {code: currency_rounding(mode, code) for code, mode in json_map(value, sale_currency, str).items()}


def json_map(value: str, parse_key: Callable[[str], str], parse_value: Callable[[object], object]) -> dict:
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
