"""The currencies customers pay in, and a USD price in each of them.

USD is the base: catalogue prices are USD cents. Customers also pay in EUR and GBP, and in the
currencies staff enable (`sales.currencies`), each at the staff-set rate (`display.currency_rates`,
units per 1 USD) and rounded up by its own rule (`sales.rounding`; by default the store's ".99"
ending for currencies with cents and whole units for those without, such as yen). Minor units are
Babel's (ISO 4217), which are Stripe's for every currency that can be enabled. The price a page
shows is `price_in(...)`, and an order fixes that amount and its rate when it is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from services.core.cache import cached
from services.core.errors import ServiceError
from services.store.settings import StoreSettings, get_store_settings
from services.store.values import ROUNDING_NONE, STORE_CURRENCY

ALWAYS_SOLD = ("EUR", "GBP")  # besides USD; each needs a rate (they have defaults)
WHOLE_UNITS = "1"


class UnknownCurrency(ServiceError):
    code = "unknown_currency"


@dataclass(frozen=True, slots=True)
class LocalPrice:
    """A USD price as charged in `currency`: the amount, the rate it was converted at, and its worth in USD."""

    currency: str
    amount_minor: int  # in `currency`'s minor units: what the customer pays
    fx_rate: Decimal  # units of `currency` per 1 USD; 1 for USD
    base_cents: int  # `amount_minor` converted back to USD cents at `fx_rate` (half up): what analytics count


def storefront_settings() -> StoreSettings:
    """The operator settings, from the catalogue cache (cleared in every process when they change)."""
    return cached(("store_settings",), get_store_settings)


def sale_currencies(settings: StoreSettings | None = None) -> tuple[str, ...]:
    """The currencies customers can choose, USD first; an enabled one without a rate is left out."""
    current = settings or storefront_settings()
    extra = sorted({*ALWAYS_SOLD, *current.sale_currencies} & set(current.currency_rates))
    return (STORE_CURRENCY, *extra)


def rounding_of(currency: str, settings: StoreSettings) -> str:
    """The currency's rounding: the staff's choice, else the store's ending with cents, else whole units."""
    chosen = settings.currency_rounding.get(currency)
    if chosen:
        return chosen
    return settings.rounding if get_currency_precision(currency) == 2 else WHOLE_UNITS


def round_up(units: Decimal, currency: str, mode: str) -> int:
    """An exact amount in `currency` units as minor units, rounded up by `mode` (see `rounding_of`)."""
    exponent = get_currency_precision(currency)
    minor = int(units.scaleb(exponent).to_integral_value(rounding=ROUND_CEILING))
    if mode == ROUNDING_NONE:
        return minor
    if mode.startswith("0."):  # an ending, e.g. 12.34 -> 12.99; 12.99 stays
        ending = int(mode.removeprefix("0.").ljust(2, "0"))
        candidate = minor - minor % 100 + ending
        return candidate if candidate >= minor else candidate + 100
    step = int(mode) * 10**exponent  # whole units: up to a multiple of the step
    return -(-minor // step) * step


def local_price(usd_cents: int, currency: str, settings: StoreSettings | None = None) -> LocalPrice:
    """`usd_cents` as charged in `currency`; raises `UnknownCurrency` when customers cannot pay in it."""
    current = settings or storefront_settings()
    code = (currency or "").strip().upper()
    if code == STORE_CURRENCY:
        return LocalPrice(code, usd_cents, Decimal(1), usd_cents)
    if code not in sale_currencies(current):
        raise UnknownCurrency(f"Prices are not shown in {currency!r}; choose {', '.join(sale_currencies(current))}.")
    rate = current.currency_rates[code]
    amount = round_up(Decimal(usd_cents).scaleb(-2) * rate, code, rounding_of(code, current))
    return LocalPrice(code, amount, rate, to_base_cents(amount, code, rate))


def price_in(usd_cents: int, currency: str, settings: StoreSettings | None = None) -> int:
    """A USD-cent price in `currency`'s minor units, as shown and charged; raises `UnknownCurrency`."""
    return local_price(usd_cents, currency, settings).amount_minor


def to_base_cents(amount_minor: int, currency: str, fx_rate: Decimal) -> int:
    """An amount in `currency` as USD cents at `fx_rate` (units per 1 USD), half up."""
    units = Decimal(amount_minor).scaleb(-get_currency_precision(currency)) / fx_rate
    return int(units.scaleb(2).to_integral_value(rounding=ROUND_HALF_UP))
