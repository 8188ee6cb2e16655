"""Both webhook routes cap bodies at 64 KB without reading past the cap, and answer a malformed body with
400, never a 500 or a traceback in the log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from esim_app.http.api import build_api
from esim_app.http.bodies import WEBHOOK_BODY_LIMIT
from esim_app.http.provider_webhooks import provider_webhook
from esim_app.http.stripe_webhook import stripe_webhook
from providers.registry import webhook_token
from providers.specs import spec_for
from services.core.settings import get_settings
from services.sandbox.localstripe import signature_header

STRIPE_SECRET = "whsec_bodies"
GARBAGE = (b"\x00\xff not json", b"{\"notifyType\": ", b"[" * 60_000, b"[1, 2, 3]", b"\"text\"", b"null",
           json.dumps({"notifyType": "ESIM_STATUS", "content": {"iccid": {"a": 1}}}).encode())


@pytest.fixture
def stripe_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", STRIPE_SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
async def app() -> Iterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=build_api()), base_url="http://t") as client:
        yield client


def _provider_url() -> str:
    return f"/api/providers/esim_access/webhook/{webhook_token(get_settings(), spec_for('esim_access'))}"


async def test_a_65_kb_body_gets_413_on_both_routes(app, stripe_secret):
    body = b"{" + b" " * (65 * 1024) + b"}"
    assert (await app.post(_provider_url(), content=body)).status_code == 413
    assert (await app.post("/api/stripe/webhook", content=body,
                           headers={"Stripe-Signature": signature_header(body, STRIPE_SECRET)})).status_code == 413


async def _consumed(endpoint, path_params: dict[str, str], *, declared: int | None) -> tuple[int, int]:
    """Run a route on a 1 MB body sent in 8 KB chunks: (status, bytes the route pulled)."""
    chunk, total, pulled, sent = b"x" * 8192, 1024 * 1024, 0, []

    async def receive() -> dict:
        nonlocal pulled
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": pulled < total}

    async def send(message: dict) -> None:
        sent.append(message)

    headers = [] if declared is None else [(b"content-length", str(declared).encode())]
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers, "query_string": b"",
             "path_params": path_params}
    from starlette.requests import Request

    response = await endpoint(Request(scope, receive))
    await response(scope, receive, send)
    return sent[0]["status"], pulled


@pytest.mark.parametrize("endpoint, params", [
    (provider_webhook, {"provider": "esim_access", "token": "t"}), (stripe_webhook, {})])
async def test_an_oversized_body_is_refused_without_being_read(endpoint, params):
    # a streamed body without a length: reading stops at the first chunk past the cap
    status, pulled = await _consumed(endpoint, params, declared=None)
    assert status == 413 and pulled <= WEBHOOK_BODY_LIMIT + 8192
    # a declared length over the cap: refused before a byte is read
    status, pulled = await _consumed(endpoint, params, declared=1024 * 1024)
    assert (status, pulled) == (413, 0)


async def test_garbage_gets_400_and_no_traceback_is_logged(app, stripe_secret, caplog):
    caplog.set_level(logging.DEBUG)
    for body in GARBAGE:
        provider = await app.post(_provider_url(), content=body)
        stripe = await app.post("/api/stripe/webhook", content=body,
                                headers={"Stripe-Signature": signature_header(body, STRIPE_SECRET)})
        assert (provider.status_code, stripe.status_code) == (400, 400), body[:40]
    not_an_event = json.dumps({"id": "evt_x", "type": "payment_intent.succeeded", "data": "x"}).encode()
    signed = {"Stripe-Signature": signature_header(not_an_event, STRIPE_SECRET)}
    assert (await app.post("/api/stripe/webhook", content=not_an_event, headers=signed)).status_code == 400
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


async def test_unauthenticated_garbage_is_refused_before_it_is_parsed(app, record_property):
    for body in GARBAGE:
        assert (await app.post("/api/providers/airalo/webhook", content=body,
                               headers={"airalo-signature": "00"})).status_code == 401
        assert (await app.post("/api/providers/esim_access/webhook", content=body)).status_code == 401
        record_property("security_webhook", "bad signature")
        record_property("security_webhook", "no path token")
