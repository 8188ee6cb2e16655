"""Each provider's error table, and status maps."""

import httpx
import pytest

from providers import airalo, esim_access, esim_go
from providers.base import (
    AuthRejected,
    InsufficientBalance,
    NotFound,
    OrderStatus,
    OutOfStock,
    PermanentProviderError,
    RateLimited,
    TransientProviderError,
)


def _response(status: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (422, {"code": 11, "reason": "no credit"}, InsufficientBalance),
        (422, {"code": 34, "reason": "out of stock"}, OutOfStock),
        (422, {"code": 13, "reason": "maintenance"}, TransientProviderError),
        (403, {"code": 89, "reason": "ip"}, AuthRejected),
        (401, {"data": [], "meta": {"message": "This action is unauthorized."}}, AuthRejected),
        (404, {"data": [], "meta": {"message": "messages.resource_not_found"}}, NotFound),
        (
            422,
            {"data": {"quantity": "too many"}, "meta": {"message": "the parameter is invalid"}},
            PermanentProviderError,
        ),
        (503, {"message": "down"}, TransientProviderError),
    ],
)
def test_airalo_errors(status, body, error):
    assert type(airalo.error_for(_response(status, body))) is error


def test_airalo_validation_error_names_fields_not_values():
    found = airalo.error_for(
        _response(422, {"data": {"quantity": "x"}, "meta": {"message": "the parameter is invalid"}})
    )
    assert "quantity" in str(found)


def test_429_carries_retry_after():
    found = airalo.error_for(_response(429, {"message": "Too Many Attempts."}, {"Retry-After": "12"}))
    assert isinstance(found, RateLimited) and found.retry_after == 12


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("200007", InsufficientBalance),
        ("200011", OutOfStock),
        ("900001", TransientProviderError),
        ("101003", AuthRejected),
        ("310241", NotFound),
        ("200002", PermanentProviderError),
    ],
)
def test_esim_access_envelope_errors(code, error):
    body = {"success": False, "errorCode": code, "errorMessage": "x", "obj": None}  # field name drifts
    found = esim_access.error_for(_response(200, body))
    assert type(found) is error and found.code == code


def test_esim_access_success_is_not_an_error():
    assert esim_access.error_for(_response(200, {"success": True, "errorCode": "0", "obj": {}})) is None


@pytest.mark.parametrize(
    ("status", "message", "error"),
    [
        (400, "Insufficient balance", InsufficientBalance),
        (400, "bad", PermanentProviderError),
        (403, "No bundles available for this item", OutOfStock),
        (403, "Forbidden: invalid API key", AuthRejected),
        (404, "Bundle not found", NotFound),
        (503, "processing", TransientProviderError),
    ],
)
def test_esim_go_errors(status, message, error):
    assert type(esim_go.error_for(_response(status, {"message": message}))) is error


def test_status_maps():
    assert esim_access.ESIM_STATUS["REVOKE"] == esim_access.ESIM_STATUS["REVOKED"] == OrderStatus.FAILED
    assert esim_access.ESIM_STATUS["GETTING_RESOURCE"] == OrderStatus.PROCESSING
    assert airalo.ORDER_STATUS["refunded"] == OrderStatus.FAILED
    assert (
        esim_go.parse_order({"orderReference": "r", "status": "processing"}, "x").status
        == OrderStatus.PROCESSING
    )
