"""Owners choose the currencies customers pay in, with each one's rate and rounding; every change is
validated whole and audited, and the storefront prices in it at once. Other roles only read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.admin import currency_settings, errors
from services.admin.access import NotPermitted
from services.core import db
from services.store import currencies, display
from services.store import settings as store
from tests.integration.admin.conftest import audit_rows, new_staff


@pytest.fixture(autouse=True)
def restore_settings(database_url: str):
    yield
    with db.get_engine().begin() as conn:
        conn.exec_driver_sql("DELETE FROM settings WHERE key LIKE 'sales.%%' OR key = 'display.currency_rates'")
    store.invalidate_catalog_cache()


def test_an_owner_offers_yen_in_tens_then_stops_it_and_each_change_is_audited() -> None:
    owner = new_staff("owner")
    # when an owner offers JPY at 151.37 per USD, rounded up to ¥10
    view = currency_settings.save_currency(owner.identity, code=" jpy", rate="151.37", rounding="10", ip="10.40.0.1")
    # then customers can pay in it, a $9.99 plan costing ¥1,520, and the change is audited
    jpy = next(r for r in view.rows if r.code == "JPY")
    assert (jpy.rate, jpy.rounding, jpy.sample, jpy.always) == ("151.37", "10", "¥1,520", False)
    assert display.display_settings().currencies == ("USD", "EUR", "GBP", "JPY")
    assert currencies.price_in(999, "JPY") == 1520
    row = audit_rows("settings.currency_saved", "JPY")[-1]
    assert row.actor_id == owner.identity.principal_id and row.ip == "10.40.0.1"
    assert row.details["before"] == {"rate": "", "rounding": "", "sold": "false"}
    assert row.details["after"] == {"rate": "151.37", "rounding": "10", "sold": "true"}
    # when the owner stops it, it leaves the storefront but keeps its rate (provider costs may use it)
    view = currency_settings.stop_currency(owner.identity, code="JPY", ip=None)
    assert [r.code for r in view.rows] == ["USD", "EUR", "GBP"]
    assert store.get_store_settings().currency_rates["JPY"] == Decimal("151.37")
    assert audit_rows("settings.currency_stopped", "JPY")[-1].details["after"]["sold"] == "false"


def test_eur_keeps_being_offered_with_a_new_rate_and_the_default_rounding() -> None:
    owner = new_staff("owner")
    view = currency_settings.save_currency(owner.identity, code="EUR", rate="0.95", rounding="", ip=None)
    eur = next(r for r in view.rows if r.code == "EUR")
    assert (eur.rate, eur.rounding, eur.sample, eur.always) == ("0.95", "0.99", "€9.99", True)
    with pytest.raises(errors.SettingRejected):
        currency_settings.stop_currency(owner.identity, code="EUR", ip=None)


@pytest.mark.parametrize(("code", "rate", "rounding", "field"), [
    ("JPY", "151", "0.99", "Rounding"), ("HUF", "360", "", "Currency"), ("USD", "1", "", "Currency"),
    ("JPY", "-3", "", "Rate"), ("XYZ", "2", "", "Currency"),
])
def test_a_bad_currency_rate_or_rounding_is_refused_and_nothing_is_stored(code, rate, rounding, field) -> None:
    owner = new_staff("owner")
    before = store.get_store_settings()
    with pytest.raises(errors.SettingRejected) as refused:
        currency_settings.save_currency(owner.identity, code=code, rate=rate, rounding=rounding, ip=None)
    assert refused.value.params["field"] == field
    assert store.get_store_settings() == before


def test_only_owners_change_currencies_every_staff_member_reads_them() -> None:
    for role in ("operations", "support", "finance"):
        caller = new_staff(role)
        view = currency_settings.get_currencies_view(caller.identity)
        assert view.editable is False and view.rows[0].code == "USD"
        with pytest.raises(NotPermitted):
            currency_settings.save_currency(caller.identity, code="JPY", rate="150", rounding="", ip=None)
        with pytest.raises(NotPermitted):
            currency_settings.stop_currency(caller.identity, code="JPY", ip=None)
