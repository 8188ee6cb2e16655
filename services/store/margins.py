"""One margin-rule change, validated once and either applied to settings in memory (a preview) or stored.

Scopes: `default` (percent), `provider` (percent for one provider, `key` its id), `destination`
(percent for a country code, region slug or "global", `key`), `minimum` (smallest margin per sale,
cents) and `rounding` (a price ending such as "0.99", or "none"). For `provider` and `destination`
an empty value removes the rule, so the next one in precedence applies again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from services.store import settings as store
from services.store import values

SCOPES = ("default", "provider", "destination", "minimum", "rounding")


def text(number: Decimal) -> str:
    """A percent or rate as people write it ("80", "12.5"), never in exponent form."""
    return format(number, "f")


@dataclass(frozen=True, slots=True)
class MarginChange:
    scope: str
    key: str = ""
    value: str = ""


def validated(change: MarginChange) -> MarginChange:
    """The change in canonical form (upper-case country code, normalised number); `InvalidSetting` otherwise."""
    scope, value = change.scope, change.value.strip()
    if scope not in SCOPES:
        raise store.InvalidSetting(f"Unknown margin rule {scope!r}.")
    if scope == "default":
        return MarginChange(scope, "", text(values.percent(value, "Default margin")))
    if scope == "minimum":
        return MarginChange(scope, "", str(values.min_margin(value)))
    if scope == "rounding":
        return MarginChange(scope, "", values.rounding(value))
    key = values.provider_key(change.key) if scope == "provider" else values.destination_key(change.key)
    return MarginChange(scope, key, "" if value == "" else text(values.percent(value, f"Margin for {key}")))


def applied(settings: store.StoreSettings, change: MarginChange) -> store.StoreSettings:
    """`settings` with a validated change applied (nothing stored)."""
    scope, key, value = change.scope, change.key, change.value
    updates: dict[str, Any]
    if scope == "default":
        updates = {"default_margin_percent": values.percent(value, "Default margin")}
    elif scope == "minimum":
        updates = {"min_margin_cents": int(value)}
    elif scope == "rounding":
        updates = {"rounding": value}
    else:
        field = "provider_margin_percent" if scope == "provider" else "destination_margin_percent"
        margins = dict(getattr(settings, field))
        store._put(margins, key, values.percent(value, "Margin") if value else None)
        updates = {field: margins}
    return dataclasses.replace(settings, **updates)


def store_change(change: MarginChange, *, admin_id: int | None) -> None:
    """Store a validated change through the settings' own setters."""
    scope, key, value = change.scope, change.key, change.value
    if scope == "default":
        store.set_default_margin_percent(value, admin_id=admin_id)
    elif scope == "minimum":
        store.set_min_margin_cents(int(value), admin_id=admin_id)
    elif scope == "rounding":
        store.set_price_rounding(value, admin_id=admin_id)
    elif scope == "provider":
        store.set_provider_margin_percent(key, value or None, admin_id=admin_id)
    else:
        store.set_destination_margin_percent(key, value or None, admin_id=admin_id)


def current_value(settings: store.StoreSettings, change: MarginChange) -> str:
    """What the rule the change touches says now ("" for no rule), for the audit's before/after."""
    if change.scope == "default":
        return text(settings.default_margin_percent)
    if change.scope == "minimum":
        return str(settings.min_margin_cents)
    if change.scope == "rounding":
        return settings.rounding
    margins = settings.provider_margin_percent if change.scope == "provider" else settings.destination_margin_percent
    found = margins.get(change.key)
    return "" if found is None else text(found)
