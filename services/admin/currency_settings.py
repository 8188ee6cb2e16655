"""The currencies customers pay in, on the settings page: every staff member reads them, owners change them.

USD is the base and EUR and GBP are always offered; owners enable more, and set each one's rate
(units per 1 USD) and rounding (`services.store.currencies`). A currency switched off keeps its rate,
which may still convert a provider's costs. Each change is validated whole before anything is
stored, and one audit row keeps the currency's rate, rounding and state before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa

from services.accounts.sessions import Identity
from services.accounts.staff_access import EVERY_ROLE, active_staff, record
from services.admin.errors import SettingRejected
from services.admin.settings import EDITORS
from services.catalog import reprice
from services.core import db
from services.core.money import format_money
from services.store import currencies, values
from services.store import settings as store
from services.store.settings import InvalidSetting

SAMPLE_USD_CENTS = 999  # each row shows what a $9.99 plan costs in its currency
LOCK = "admin-currencies-save"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CurrencyRow:
    code: str
    rate: str  # units per 1 USD
    rounding: str  # the rule in force: the owner's, else the currency's default
    sample: str  # a $9.99 plan in this currency, as customers see it
    always: bool  # USD, EUR and GBP cannot be switched off


@dataclass(frozen=True, slots=True)
class CurrenciesView:
    rows: tuple[CurrencyRow, ...]  # USD first
    editable: bool  # the caller may change them


def _view(current: store.StoreSettings, editable: bool) -> CurrenciesView:
    rows = []
    for code in currencies.sale_currencies(current):
        usd = code == store.STORE_CURRENCY
        rows.append(CurrencyRow(code, "1" if usd else str(current.currency_rates[code]),
                                "" if usd else currencies.rounding_of(code, current),
                                format_money(currencies.price_in(SAMPLE_USD_CENTS, code, current), code),
                                usd or code in currencies.ALWAYS_SOLD))
    return CurrenciesView(tuple(rows), editable)


def get_currencies_view(identity: Identity) -> CurrenciesView:
    with db.session() as s:
        admin = active_staff(s, identity, EVERY_ROLE)
    return _view(store.get_store_settings(), admin.staff_role in EDITORS)


def _state(current: store.StoreSettings, code: str) -> dict[str, str]:
    return {"rate": str(current.currency_rates.get(code, "")), "rounding": current.currency_rounding.get(code, ""),
            "sold": str(code in currencies.sale_currencies(current)).lower()}


def _field(label: str, check: Callable[[], T]) -> T:
    try:
        return check()
    except InvalidSetting as exc:
        raise SettingRejected(str(exc), field=label, problem=str(exc)) from None


def _checked(code: str, rate: str, rounding: str) -> tuple[str, str, str]:
    """(currency, rate, rounding) as they will be stored; `SettingRejected` names the field to fix."""
    currency = _field("Currency", lambda: values.sale_currency(code))
    if currency == store.STORE_CURRENCY:
        raise SettingRejected("USD is the base", field="Currency", problem="USD is the base: its prices are the catalogue's.")
    _field("Rate", lambda: values.rates({currency: rate.strip()}))
    rule = _field("Rounding", lambda: values.currency_rounding(rounding, currency) if rounding.strip() else "")
    return currency, rate.strip(), rule


def save_currency(identity: Identity, *, code: str, rate: str, rounding: str, ip: str | None) -> CurrenciesView:
    """Let customers pay in `code` at `rate` (units per 1 USD), rounded by `rounding` (empty: the
    currency's default); owners only, audited. Prices in it change at once, and costs billed in it
    are repriced."""
    currency, rate, rounding = _checked(code, rate, rounding)
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, EDITORS)
        s.exec(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(LOCK))))  # one change at a time
        current = store.get_store_settings()
        roundings = {k: v for k, v in current.currency_rounding.items() if k != currency}
        store.set_currency_rates({**current.currency_rates, currency: rate}, admin_id=actor.id)
        store.set_currency_rounding({**roundings, **({currency: rounding} if rounding else {})}, admin_id=actor.id)
        if currency not in currencies.ALWAYS_SOLD:
            store.set_sale_currencies({*current.sale_currencies, currency}, admin_id=actor.id)
        after = store.get_store_settings()
        record(s, actor.id, "settings.currency_saved", entity="currency", entity_id=currency, ip=ip,
               before=_state(current, currency), after=_state(after, currency))
    reprice.apply_settings()  # a provider's costs in this currency follow the new rate
    return get_currencies_view(identity)


def stop_currency(identity: Identity, *, code: str, ip: str | None) -> CurrenciesView:
    """Stop offering `code` to customers (its rate stays, for costs); owners only, audited. USD, EUR
    and GBP are always offered."""
    currency = (code or "").strip().upper()[:3]
    if currency == store.STORE_CURRENCY or currency in currencies.ALWAYS_SOLD:
        raise SettingRejected(f"{currency} is always offered", field=currency, problem="customers can always pay in it.")
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, EDITORS)
        s.exec(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(LOCK))))
        current = store.get_store_settings()
        if currency in current.sale_currencies:
            store.set_sale_currencies(set(current.sale_currencies) - {currency}, admin_id=actor.id)
            record(s, actor.id, "settings.currency_stopped", entity="currency", entity_id=currency, ip=ip,
                   before=_state(current, currency), after=_state(store.get_store_settings(), currency))
    return get_currencies_view(identity)
