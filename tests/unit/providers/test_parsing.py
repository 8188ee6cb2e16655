"""Unit conversions and lenient parsing of provider payloads."""

import datetime as dt
from decimal import Decimal

import pytest

from providers import airalo, esim_access, esim_go
from providers.parsing import parse_time, split_lpa, strip_scheme, to_decimal, to_int


def test_numbers_arrive_as_strings_or_numbers():
    assert to_decimal("9.50") == to_decimal(9.5) == Decimal("9.5")
    assert to_decimal(None) is None and to_int("7") == to_int(7.0) == 7


@pytest.mark.parametrize(
    "text",
    ["2025-03-01 10:15:00", "2025-03-01T10:15:00Z", "2025-03-01T10:15:00+0000", "2025-03-01T12:15:00+02:00"],
)
def test_timestamps_become_utc(text):
    assert parse_time(text) == dt.datetime(2025, 3, 1, 10, 15, tzinfo=dt.UTC)


def test_epoch_milliseconds():
    assert parse_time(1740824100000) == dt.datetime(2025, 3, 1, 10, 15, tzinfo=dt.UTC)


def test_lpa_and_scheme():
    assert split_lpa("LPA:1$rsp.example.com$0A1B2C") == ("rsp.example.com", "0A1B2C")
    assert strip_scheme("https://rsp.example.org") == "rsp.example.org"


def test_esim_go_decimal_mb_is_nominal():
    assert esim_go.nominal_mb(1000) == 1024 and esim_go.nominal_mb(20000) == 20480


def test_airalo_package_type_drift_and_unlimited_flag():
    operator = {"title": "Acme", "countries": [{"country_code": "de"}, {"country_code": "AT"}]}
    pkg = airalo.parse_package(
        {
            "id": "acme-7days-1gb",
            "type": "sim",
            "amount": "1024",
            "day": "7",
            "price": "5.00",
            "net_price": 2.1,
            "is_unlimited": False,
        },
        operator,
        {"slug": "europe", "country_code": ""},
    )
    assert (pkg.destinations, pkg.data_mb, pkg.validity_days) == (("AT", "DE"), 1024, 7)
    assert pkg.cost_price == Decimal("2.1") and pkg.retail_price == Decimal("5.00") and pkg.region == "europe"
    unlimited = airalo.parse_package(
        {"id": "u", "amount": 5000, "day": 7, "price": 9, "is_unlimited": True},
        operator,
        {"country_code": "DE"},
    )
    assert unlimited.unlimited and unlimited.data_mb is None


def test_esim_access_units():
    pkg = esim_access.parse_package(
        {
            "packageCode": "PKX1001",
            "slug": "DE_1_7",
            "price": 12500,
            "retailPrice": 45000,
            "currencyCode": "USD",
            "volume": 1073741824,
            "dataType": 1,
            "duration": 7,
            "location": "DE",
        }
    )
    assert (pkg.cost_price, pkg.retail_price, pkg.data_mb) == (Decimal("1.25"), Decimal("4.5"), 1024)
    daily = esim_access.parse_package(
        {"packageCode": "D", "volume": 1073741824, "dataType": 4, "duration": 5}
    )
    assert daily.unlimited and daily.data_mb is None


def test_esim_go_usage_scales_the_used_fraction_to_nominal_mb():
    usage = esim_go.usage_from_bundles(
        "8944",
        [
            {
                "name": "b",
                "assignments": [
                    {
                        "initialQuantity": 1_000_000_000,
                        "remainingQuantity": 750_000_000,
                        "bundleState": "active",
                        "unlimited": False,
                    }
                ],
            },
            {
                "name": "old",
                "assignments": [
                    {"initialQuantity": 1_000_000_000, "remainingQuantity": 0, "bundleState": "expired"}
                ],
            },
        ],
    )
    assert (usage.total_mb, usage.used_mb, usage.remaining_mb, usage.provider_status) == (
        1024,
        256,
        768,
        "active",
    )


def test_airalo_usage_in_mb():
    usage = airalo.parse_usage(
        "8944",
        {
            "remaining": 767,
            "total": 2048,
            "expired_at": "2025-03-31 10:15:00",
            "is_unlimited": False,
            "status": "ACTIVE",
        },
    )
    assert usage.used_mb == 1281 and usage.expires_at == dt.datetime(2025, 3, 31, 10, 15, tzinfo=dt.UTC)
