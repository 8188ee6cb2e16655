"""Operator settings for the catalogue, kept in the `settings` table with defaults in code.

Margins are percentages over cost: per destination (ISO code, region slug or "global") wins over
per provider, which wins over the default. Margin and rounding changes reach stored prices at the
next catalogue sync; display-currency rates apply at once. Every setter validates and raises
`InvalidSetting` with a message an admin can act on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.core import db
from services.core.cache import invalidate_catalog_cache
from services.core.models import Setting, SettingType
from services.core.settings import PROVIDER_IDS
from services.store import values
from services.store.values import ROUNDING_NONE, STORE_CURRENCY, InvalidSetting

log = logging.getLogger(__name__)


DEFAULT_MARGIN = "pricing.default_margin_percent"
PROVIDER_MARGINS = "pricing.provider_margin_percent"
DESTINATION_MARGINS = "pricing.destination_margin_percent"
MIN_MARGIN = "pricing.min_margin_cents"
ROUNDING = "pricing.rounding"
AUTO_MODE = "catalog.auto_mode"
CURRENCY_RATES = "display.currency_rates"
SALE_CURRENCIES = "sales.currencies"
CURRENCY_ROUNDING = "sales.rounding"
REFUND_WINDOW = "refunds.window_days"
PAUSED_PROVIDERS = "providers.paused"
BALANCE_THRESHOLDS = "providers.low_balance_threshold"
SUPPORT_REFUND_LIMIT = "refunds.support_limit_cents"
BRAND_NAME = "store.brand_name"
SUPPORT_EMAIL = "store.support_email"
STOREFRONT_NOTICE = "store.notice"
LEGAL_NAME = "store.legal_name"
LEGAL_ADDRESS = "store.legal_address"
TAX_ID = "store.tax_id"



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
    )  # units of the currency per 1 USD: converts provider costs, and prices in the currencies customers pay in
    sale_currencies: tuple[str, ...] = ()  # paid in besides USD, EUR and GBP (see services.store.currencies)
    currency_rounding: Mapping[str, str] = field(default_factory=dict)  # currency -> rounding; absent: its default
    refund_window_days: int = 30  # days after purchase a never-installed eSIM can be refunded
    # Providers switched off at runtime by staff: no new orders, no failover to them, their offers off sale.
    paused_providers: frozenset[str] = frozenset()
    # Per provider: alert staff by email when its balance falls below this amount (its currency).
    low_balance_thresholds: Mapping[str, Decimal] = field(default_factory=dict)

    def provider_enabled(self, provider_id: str) -> bool:
        return provider_id not in self.paused_providers
    support_refund_limit_cents: int = 5000  # in the store currency: above it only owners/operations refund
    brand_name: str = ""  # empty: BRAND_NAME from the environment (emails use this one when set)
    support_email: str = ""  # empty: SUPPORT_EMAIL from the environment
    storefront_notice: str = ""  # a short notice for customers (e.g. a provider outage); empty for none
    # The seller on receipts: registered company name, postal address (lines) and VAT or registration number.
    legal_name: str = ""  # empty: the brand name
    legal_address: str = ""
    tax_id: str = ""


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


def set_default_margin_percent(percent: Decimal | int | str, *, admin_id: int | None = None) -> Decimal:
    value = values.percent(percent, "Default margin")
    _store(DEFAULT_MARGIN, str(value), SettingType.DECIMAL, admin_id, "Margin over cost, percent")
    return value


def set_provider_margin_percent(
    provider_id: str, percent: Decimal | int | str | None, *, admin_id: int | None = None
) -> dict[str, Decimal]:
    """Set (or with None, remove) one provider's margin; returns the whole map."""
    if provider_id not in PROVIDER_IDS:
        raise InvalidSetting(f"Unknown provider {provider_id!r}; use one of {', '.join(PROVIDER_IDS)}.")
    margins = dict(get_store_settings().provider_margin_percent)
    _put(margins, provider_id, None if percent is None else values.percent(percent, f"Margin for {provider_id}"))
    _store(PROVIDER_MARGINS, _dump_decimals(margins), SettingType.JSON, admin_id, "Margin per provider, percent")
    return margins


def set_destination_margin_percent(
    destination: str, percent: Decimal | int | str | None, *, admin_id: int | None = None
) -> dict[str, Decimal]:
    """Set (or with None, remove) the margin of a country code, region slug or "global"."""
    key = values.destination_key(destination)
    margins = dict(get_store_settings().destination_margin_percent)
    _put(margins, key, None if percent is None else values.percent(percent, f"Margin for {key}"))
    _store(DESTINATION_MARGINS, _dump_decimals(margins), SettingType.JSON, admin_id, "Margin per destination, percent")
    return margins


def set_min_margin_cents(cents: int, *, admin_id: int | None = None) -> int:
    value = values.min_margin(cents)
    _store(MIN_MARGIN, str(value), SettingType.INT, admin_id, "Smallest margin per sale, cents")
    return value


def set_price_rounding(mode: str, *, admin_id: int | None = None) -> str:
    value = values.rounding(mode)
    _store(ROUNDING, value, SettingType.STR, admin_id, 'Price ending, e.g. "0.99", or "none"')
    return value


def set_auto_mode(enabled: bool, *, admin_id: int | None = None) -> bool:
    _store(AUTO_MODE, "true" if enabled else "false", SettingType.BOOL, admin_id, "Enable only the best offer per group")
    return enabled


def set_currency_rates(rates: Mapping[str, Decimal | str | int], *, admin_id: int | None = None) -> dict[str, Decimal]:
    """Replace the display-currency rates (units per 1 USD)."""
    value = values.rates(dict(rates))
    _store(CURRENCY_RATES, _dump_decimals(value), SettingType.JSON, admin_id, "Display currencies per 1 USD")
    return value


def set_sale_currencies(codes: Iterable[str], *, admin_id: int | None = None) -> tuple[str, ...]:
    """Replace the currencies customers may pay in besides USD, EUR and GBP."""
    value = values.sale_currencies(json.dumps(list(codes)))
    _store(SALE_CURRENCIES, json.dumps(list(value)), SettingType.JSON, admin_id, "Extra currencies customers pay in")
    return value


def set_currency_rounding(roundings: Mapping[str, str], *, admin_id: int | None = None) -> dict[str, str]:
    """Replace the per-currency price rounding ("none", an ending such as "0.99", or whole units)."""
    value = values.roundings(json.dumps(dict(roundings)))
    _store(CURRENCY_ROUNDING, json.dumps(dict(sorted(value.items()))), SettingType.JSON, admin_id,
           "Price rounding per currency")
    return value


def set_provider_enabled(provider_id: str, enabled: bool, *, admin_id: int | None = None) -> frozenset[str]:
    """Switch a configured provider on or off at runtime; returns the providers now switched off."""
    paused = set(get_store_settings().paused_providers)
    (paused.discard if enabled else paused.add)(values.provider_key(provider_id))
    _store(PAUSED_PROVIDERS, json.dumps(sorted(paused)), SettingType.JSON, admin_id, "Providers switched off")
    return frozenset(paused)


def set_low_balance_threshold(provider_id: str, amount: Decimal | int | str | None, *,
                              admin_id: int | None = None) -> dict[str, Decimal]:
    """Set (or with None, remove) the balance below which staff are alerted; returns the whole map."""
    thresholds = dict(get_store_settings().low_balance_thresholds)
    _put(thresholds, values.provider_key(provider_id), None if amount is None else values.amount(amount, "Low-balance alert"))
    _store(BALANCE_THRESHOLDS, _dump_decimals(thresholds), SettingType.JSON, admin_id, "Low-balance alert per provider")
    return thresholds


def set_refund_window_days(days: int, *, admin_id: int | None = None) -> int:
    value = values.refund_window(days)
    _store(REFUND_WINDOW, str(value), SettingType.INT, admin_id, "Days after purchase an unused eSIM can be refunded")
    return value


def set_support_refund_limit_cents(cents: int | str, *, admin_id: int | None = None) -> int:
    value = values.refund_limit(cents)
    _store(SUPPORT_REFUND_LIMIT, str(value), SettingType.INT, admin_id,
           "Largest refund support staff may give or approve, store currency cents")
    return value


def set_brand_name(name: str, *, admin_id: int | None = None) -> str:
    value = values.brand_name(name)
    _store(BRAND_NAME, value, SettingType.STR, admin_id, "Brand name in emails (empty: from the environment)")
    return value


def set_support_email(email: str, *, admin_id: int | None = None) -> str:
    value = values.support_email(email)
    _store(SUPPORT_EMAIL, value, SettingType.STR, admin_id, "Support address in emails (empty: from the environment)")
    return value


def set_storefront_notice(text: str, *, admin_id: int | None = None) -> str:
    value = values.notice(text)
    _store(STOREFRONT_NOTICE, value, SettingType.STR, admin_id, "Notice shown to customers (empty: none)")
    return value


def set_legal_name(name: str, *, admin_id: int | None = None) -> str:
    value = values.legal_name(name)
    _store(LEGAL_NAME, value, SettingType.STR, admin_id, "Registered company name on receipts (empty: the brand)")
    return value


def set_legal_address(address: str, *, admin_id: int | None = None) -> str:
    value = values.legal_address(address)
    _store(LEGAL_ADDRESS, value, SettingType.STR, admin_id, "Company address on receipts, one line per line")
    return value


def set_tax_id(number: str, *, admin_id: int | None = None) -> str:
    value = values.tax_id(number)
    _store(TAX_ID, value, SettingType.STR, admin_id, "VAT or company registration number on receipts")
    return value


_PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    DEFAULT_MARGIN: ("default_margin_percent", lambda v: values.percent(v, "Default margin")),
    PROVIDER_MARGINS: ("provider_margin_percent", lambda v: values.json_map(v, values.provider_key, lambda p: values.percent(p, "Margin"))),
    DESTINATION_MARGINS: (
        "destination_margin_percent",
        lambda v: values.json_map(v, values.destination_key, lambda p: values.percent(p, "Margin")),
    ),
    MIN_MARGIN: ("min_margin_cents", values.min_margin),
    ROUNDING: ("rounding", values.rounding),
    AUTO_MODE: ("auto_mode", values.flag),
    CURRENCY_RATES: ("currency_rates", lambda v: values.rates(values.json_map(v, str, lambda r: r))),  # type: ignore[arg-type]
    SALE_CURRENCIES: ("sale_currencies", values.sale_currencies),
    CURRENCY_ROUNDING: ("currency_rounding", values.roundings),
    REFUND_WINDOW: ("refund_window_days", values.refund_window),
    PAUSED_PROVIDERS: ("paused_providers", values.provider_list),
    BALANCE_THRESHOLDS: ("low_balance_thresholds", lambda v: values.json_map(v, values.provider_key, lambda a: values.amount(a, "Alert"))),
    SUPPORT_REFUND_LIMIT: ("support_refund_limit_cents", values.refund_limit),
    BRAND_NAME: ("brand_name", values.brand_name),
    SUPPORT_EMAIL: ("support_email", values.support_email),
    STOREFRONT_NOTICE: ("storefront_notice", values.notice),
    LEGAL_NAME: ("legal_name", values.legal_name),
    LEGAL_ADDRESS: ("legal_address", values.legal_address),
    TAX_ID: ("tax_id", values.tax_id),
}


# -- storage -----------------------------------------------------------------------------------


def _put(margins: dict[str, Decimal], key: str, value: Decimal | None) -> None:
    if value is None:
        margins.pop(key, None)
    else:
        margins[key] = value


def _dump_decimals(numbers: Mapping[str, Decimal]) -> str:
    return json.dumps({k: str(v) for k, v in sorted(numbers.items())})


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
