"""Operator settings for the catalogue, kept in the `settings` table with defaults in code.

Margins are percentages over cost: per destination (ISO code, region slug or "global") wins over
per provider, which wins over the default. Margin and rounding changes reach stored prices at the
next catalogue sync; display-currency rates apply at once. Every setter validates and raises
`InvalidSetting` with a message an admin can act on.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.core import db
from services.core.cache import invalidate_catalog_cache
from services.core.destinations import REGIONS, get_destination
from services.core.errors import ServiceError
from services.core.models import Setting, SettingType
from services.core.settings import PROVIDER_IDS

log = logging.getLogger(__name__)

STORE_CURRENCY = "USD"
ROUNDING_NONE = "none"
MAX_MARGIN_PERCENT = Decimal(1000)
MAX_MIN_MARGIN_CENTS = 100_000
_ROUNDING_PATTERN = re.compile(r"0\.\d\d")

DEFAULT_MARGIN = "pricing.default_margin_percent"
PROVIDER_MARGINS = "pricing.provider_margin_percent"
DESTINATION_MARGINS = "pricing.destination_margin_percent"
MIN_MARGIN = "pricing.min_margin_cents"
ROUNDING = "pricing.rounding"
AUTO_MODE = "catalog.auto_mode"
CURRENCY_RATES = "display.currency_rates"
REFUND_WINDOW = "refunds.window_days"
MAX_REFUND_WINDOW_DAYS = 365
SUPPORT_REFUND_LIMIT = "refunds.support_limit_cents"
MAX_SUPPORT_REFUND_LIMIT_CENTS = 10_000_000
BRAND_NAME = "store.brand_name"
SUPPORT_EMAIL = "store.support_email"
STOREFRONT_NOTICE = "store.notice"
MAX_BRAND_NAME = 60
MAX_NOTICE = 300
_EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class InvalidSetting(ServiceError):
    code = "invalid_setting"


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """Everything the catalogue needs to price and select offers."""

    default_margin_percent: Decimal = Decimal(35)
    provider_margin_percent: Mapping[str, Decimal] = field(default_factory=dict)
    destination_margin_percent: Mapping[str, Decimal] = field(default_factory=dict)
    min_margin_cents: int = 100
    rounding: str = "0.99"  # prices end in .99; "none" keeps the exact cent
    auto_mode: bool = True  # enable only the best offer of each group
    currency_rates: Mapping[str, Decimal] = field(
        default_factory=lambda: {"EUR": Decimal("0.92"), "GBP": Decimal("0.79")}
    )  # units of the currency per 1 USD
    refund_window_days: int = 30  # days after purchase a never-installed eSIM can be refunded
    support_refund_limit_cents: int = 5000  # in the store currency: above it only owners/operations refund
    brand_name: str = ""  # empty: BRAND_NAME from the environment (emails use this one when set)
    support_email: str = ""  # empty: SUPPORT_EMAIL from the environment
    storefront_notice: str = ""  # a short notice for customers (e.g. a provider outage); empty for none


DEFAULTS = StoreSettings()


def get_store_settings() -> StoreSettings:
    """Current settings; a stored value that no longer validates falls back to its default (logged)."""
    with db.session() as s:
        rows = dict(s.exec(sa.select(Setting.key, Setting.value).where(Setting.key.in_(_PARSERS))).all())
    values: dict[str, Any] = {}
    for key, (attr, parse) in _PARSERS.items():
        if key not in rows:
            continue
        try:
            values[attr] = parse(rows[key])
        except InvalidSetting as exc:
            log.warning("setting %s is invalid (%s); using the default", key, exc)
    return StoreSettings(**values)


def display_currencies(settings: StoreSettings) -> tuple[str, ...]:
    """The currencies prices can be shown in, the store currency first."""
    return (STORE_CURRENCY, *sorted(settings.currency_rates))


def set_default_margin_percent(percent: Decimal | int | str, *, admin_id: int | None = None) -> Decimal:
    value = _percent(percent, "Default margin")
    _store(DEFAULT_MARGIN, str(value), SettingType.DECIMAL, admin_id, "Margin over cost, percent")
    return value


def set_provider_margin_percent(
    provider_id: str, percent: Decimal | int | str | None, *, admin_id: int | None = None
) -> dict[str, Decimal]:
    """Set (or with None, remove) one provider's margin; returns the whole map."""
    if provider_id not in PROVIDER_IDS:
        raise InvalidSetting(f"Unknown provider {provider_id!r}; use one of {', '.join(PROVIDER_IDS)}.")
    margins = dict(get_store_settings().provider_margin_percent)
    _put(margins, provider_id, None if percent is None else _percent(percent, f"Margin for {provider_id}"))
    _store(PROVIDER_MARGINS, _dump_decimals(margins), SettingType.JSON, admin_id, "Margin per provider, percent")
    return margins


def set_destination_margin_percent(
    destination: str, percent: Decimal | int | str | None, *, admin_id: int | None = None
) -> dict[str, Decimal]:
    """Set (or with None, remove) the margin of a country code, region slug or "global"."""
    key = _destination_key(destination)
    margins = dict(get_store_settings().destination_margin_percent)
    _put(margins, key, None if percent is None else _percent(percent, f"Margin for {key}"))
    _store(DESTINATION_MARGINS, _dump_decimals(margins), SettingType.JSON, admin_id, "Margin per destination, percent")
    return margins


def set_min_margin_cents(cents: int, *, admin_id: int | None = None) -> int:
    value = _min_margin(cents)
    _store(MIN_MARGIN, str(value), SettingType.INT, admin_id, "Smallest margin per sale, cents")
    return value


def set_price_rounding(mode: str, *, admin_id: int | None = None) -> str:
    value = _rounding(mode)
    _store(ROUNDING, value, SettingType.STR, admin_id, 'Price ending, e.g. "0.99", or "none"')
    return value


def set_auto_mode(enabled: bool, *, admin_id: int | None = None) -> bool:
    _store(AUTO_MODE, "true" if enabled else "false", SettingType.BOOL, admin_id, "Enable only the best offer per group")
    return enabled


def set_currency_rates(rates: Mapping[str, Decimal | str | int], *, admin_id: int | None = None) -> dict[str, Decimal]:
    """Replace the display-currency rates (units per 1 USD)."""
    value = _rates(dict(rates))
    _store(CURRENCY_RATES, _dump_decimals(value), SettingType.JSON, admin_id, "Display currencies per 1 USD")
    return value


def set_refund_window_days(days: int, *, admin_id: int | None = None) -> int:
    value = _refund_window(days)
    _store(REFUND_WINDOW, str(value), SettingType.INT, admin_id, "Days after purchase an unused eSIM can be refunded")
    return value


def set_support_refund_limit_cents(cents: int | str, *, admin_id: int | None = None) -> int:
    value = _refund_limit(cents)
    _store(SUPPORT_REFUND_LIMIT, str(value), SettingType.INT, admin_id,
           "Largest refund support staff may give or approve, store currency cents")
    return value


def set_brand_name(name: str, *, admin_id: int | None = None) -> str:
    value = _brand_name(name)
    _store(BRAND_NAME, value, SettingType.STR, admin_id, "Brand name in emails (empty: from the environment)")
    return value


def set_support_email(email: str, *, admin_id: int | None = None) -> str:
    value = _support_email(email)
    _store(SUPPORT_EMAIL, value, SettingType.STR, admin_id, "Support address in emails (empty: from the environment)")
    return value


def set_storefront_notice(text: str, *, admin_id: int | None = None) -> str:
    value = _notice(text)
    _store(STOREFRONT_NOTICE, value, SettingType.STR, admin_id, "Notice shown to customers (empty: none)")
    return value


# -- validation, shared by setters and by reading stored values ---------------------------------


def _decimal(value: object, label: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str | float):
        raise InvalidSetting(f"{label} must be a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidSetting(f"{label} must be a number, not {value!r}.") from None
    if not number.is_finite():
        raise InvalidSetting(f"{label} must be a finite number.")
    return number


def _percent(value: object, label: str) -> Decimal:
    number = _decimal(value, label)
    if not 0 <= number <= MAX_MARGIN_PERCENT:
        raise InvalidSetting(f"{label} must be between 0 and {MAX_MARGIN_PERCENT} percent.")
    return number.normalize() if number == number.to_integral() else number


def _min_margin(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidSetting("Minimum margin must be a whole number of cents.")
    try:
        cents = int(value)
    except ValueError:
        raise InvalidSetting(f"Minimum margin must be a whole number of cents, not {value!r}.") from None
    if not 0 <= cents <= MAX_MIN_MARGIN_CENTS:
        raise InvalidSetting(f"Minimum margin must be between 0 and {MAX_MIN_MARGIN_CENTS} cents.")
    return cents


def _rounding(value: object) -> str:
    mode = str(value).strip().lower()
    if mode != ROUNDING_NONE and not _ROUNDING_PATTERN.fullmatch(mode):
        raise InvalidSetting('Price rounding must be "none" or a price ending such as "0.99" or "0.49".')
    return mode


def _refund_window(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidSetting("Refund window must be a whole number of days.")
    try:
        days = int(value)
    except ValueError:
        raise InvalidSetting(f"Refund window must be a whole number of days, not {value!r}.") from None
    if not 0 <= days <= MAX_REFUND_WINDOW_DAYS:
        raise InvalidSetting(f"Refund window must be between 0 and {MAX_REFUND_WINDOW_DAYS} days.")
    return days


def _refund_limit(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidSetting("Support refund limit must be a whole number of cents.")
    try:
        cents = int(value)
    except ValueError:
        raise InvalidSetting(f"Support refund limit must be a whole number of cents, not {value!r}.") from None
    if not 0 <= cents <= MAX_SUPPORT_REFUND_LIMIT_CENTS:
        raise InvalidSetting(f"Support refund limit must be between 0 and {MAX_SUPPORT_REFUND_LIMIT_CENTS} cents.")
    return cents


def _brand_name(value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > MAX_BRAND_NAME:
        raise InvalidSetting(f"Brand name must be at most {MAX_BRAND_NAME} characters.")
    return text


def _support_email(value: object) -> str:
    text = str(value).strip().lower()
    if text and (len(text) > 254 or not _EMAIL_PATTERN.fullmatch(text)):
        raise InvalidSetting(f"Support email must be an email address such as help@example.com, not {value!r}.")
    return text


def _notice(value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > MAX_NOTICE:
        raise InvalidSetting(f"Notice must be at most {MAX_NOTICE} characters.")
    return text


def _bool(value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise InvalidSetting(f"Expected true or false, not {value!r}.")
    return value.lower() == "true"


def _destination_key(value: str) -> str:
    text = str(value).strip()
    if text.lower() == "global" or text.lower() in {r.slug for r in REGIONS}:
        return text.lower()
    if len(text) == 2 and get_destination(text):
        return text.upper()
    raise InvalidSetting(f"{value!r} is not a country code, a region ({', '.join(r.slug for r in REGIONS)}) or global.")


def _rates(rates: dict[str, object]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for code, rate in rates.items():
        currency = str(code).strip().upper()
        if currency == STORE_CURRENCY:
            raise InvalidSetting(f"{STORE_CURRENCY} is the base currency; leave it out of the rates.")
        if len(currency) != 3 or pycountry.currencies.get(alpha_3=currency) is None:
            raise InvalidSetting(f"{code!r} is not an ISO 4217 currency code.")
        number = _decimal(rate, f"Rate for {currency}")
        if number <= 0:
            raise InvalidSetting(f"Rate for {currency} must be above zero.")
        out[currency] = number
    return out


def _json_map(value: str, parse_key: Callable[[str], str], parse_value: Callable[[object], Decimal]) -> dict:
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        raise InvalidSetting("Expected a JSON object.") from None
    if not isinstance(data, dict):
        raise InvalidSetting("Expected a JSON object.")
    return {parse_key(k): parse_value(v) for k, v in data.items()}


def _provider_key(value: str) -> str:
    if value not in PROVIDER_IDS:
        raise InvalidSetting(f"Unknown provider {value!r}.")
    return value


_PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    DEFAULT_MARGIN: ("default_margin_percent", lambda v: _percent(v, "Default margin")),
    PROVIDER_MARGINS: ("provider_margin_percent", lambda v: _json_map(v, _provider_key, lambda p: _percent(p, "Margin"))),
    DESTINATION_MARGINS: (
        "destination_margin_percent",
        lambda v: _json_map(v, _destination_key, lambda p: _percent(p, "Margin")),
    ),
    MIN_MARGIN: ("min_margin_cents", _min_margin),
    ROUNDING: ("rounding", _rounding),
    AUTO_MODE: ("auto_mode", _bool),
    CURRENCY_RATES: ("currency_rates", lambda v: _rates(_json_map(v, str, lambda r: r))),  # type: ignore[arg-type]
    REFUND_WINDOW: ("refund_window_days", _refund_window),
    SUPPORT_REFUND_LIMIT: ("support_refund_limit_cents", _refund_limit),
    BRAND_NAME: ("brand_name", _brand_name),
    SUPPORT_EMAIL: ("support_email", _support_email),
    STOREFRONT_NOTICE: ("storefront_notice", _notice),
}


# -- storage -----------------------------------------------------------------------------------


def _put(margins: dict[str, Decimal], key: str, value: Decimal | None) -> None:
    if value is None:
        margins.pop(key, None)
    else:
        margins[key] = value


def _dump_decimals(values: Mapping[str, Decimal]) -> str:
    return json.dumps({k: str(v) for k, v in sorted(values.items())})


def _store(key: str, value: str, value_type: SettingType, admin_id: int | None, description: str) -> None:
    row = {"key": key, "value": value, "value_type": value_type.value, "description": description,
           "updated_by_admin_id": admin_id}
    statement = insert(Setting).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=[Setting.key],
        set_={"value": value, "value_type": value_type.value, "updated_by_admin_id": admin_id,
              "updated_at": sa.func.now()},
    )
    with db.session() as s:
        s.exec(statement)
        s.commit()
    invalidate_catalog_cache()  # display rates are cached with the offers


def parse_value(attr: str, raw: object) -> Any:
    """Validate `raw` as the `StoreSettings` field `attr` would be, without storing it (`InvalidSetting`)."""
    for field_attr, parse in _PARSERS.values():
        if field_attr == attr:
            return parse(raw)
    raise KeyError(attr)
