"""Customer prices from provider costs: margin by precedence, minimum margin, rounding.

Pure functions over `StoreSettings`. Costs arrive as integer micros (millionths) of the
provider's currency; prices leave as integer cents of the store currency (USD).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from services.store import settings as store_settings
from services.store.currencies import UnknownCurrency

MICROS_PER_UNIT = 1_000_000
MICROS_PER_CENT = 10_000

def to_micros(amount: Decimal) -> int:
    """A provider amount in its currency unit as integer micros (half up)."""
    return int((amount * MICROS_PER_UNIT).to_integral_value(rounding=ROUND_HALF_UP))


def cost_in_store_micros(cost_micros: int, currency: str, settings: store_settings.StoreSettings) -> int:
    """Convert a cost to store-currency micros using the display rates (units per 1 USD)."""
    if currency == store_settings.STORE_CURRENCY:
        return cost_micros
    rate = settings.currency_rates.get(currency)
    if rate is None:
        raise UnknownCurrency(f"No exchange rate for {currency}; add it to the currency rates.")
    return int((Decimal(cost_micros) / rate).to_integral_value(rounding=ROUND_CEILING))


def margin_percent(settings: store_settings.StoreSettings, *, provider_id: str, destination_code: str) -> Decimal:
    """Per-destination margin, else per-provider, else the default."""
    if (by_destination := settings.destination_margin_percent.get(destination_code)) is not None:
        return by_destination
    if (by_provider := settings.provider_margin_percent.get(provider_id)) is not None:
        return by_provider
    return settings.default_margin_percent


def round_price_cents(cents: int, rounding: str) -> int:
    """Round up to the next price with the configured ending ("0.99": 12.34 -> 12.99; 12.99 stays)."""
    if rounding == store_settings.ROUNDING_NONE:
        return cents
    ending = int(rounding.removeprefix("0.").ljust(2, "0"))
    candidate = cents - cents % 100 + ending
    return candidate if candidate >= cents else candidate + 100


def customer_price_cents(
    cost_micros: int, *, provider_id: str, destination_code: str, settings: store_settings.StoreSettings
) -> int:
    """Cost (store-currency micros) plus margin, at least cost plus the minimum margin, then rounded up."""
    cost_cents = Decimal(cost_micros) / MICROS_PER_CENT
    percent = margin_percent(settings, provider_id=provider_id, destination_code=destination_code)
    with_margin = cost_cents * (1 + percent / 100)
    floor = cost_cents + settings.min_margin_cents
    price = int(max(with_margin, floor).to_integral_value(rounding=ROUND_CEILING))
    return round_price_cents(price, settings.rounding)
