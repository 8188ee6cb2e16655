"""Shared payment fixtures: a real localstripe posting signed webhooks to our real route, and helpers
to pay like Stripe.js and read what the database holds. Used by the payments, orders and refunds tests."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from esim_app.http.stripe_webhook import stripe_webhook
from services.core import db
from services.core.models import AuditLog, Order, StripeEvent
from services.core.settings import get_settings
from services.orders import background
from services.sandbox import localstripe as localstripe_server

SECRET_KEY = "sk_test_payments"
PUBLISHABLE_KEY = "pk_test_payments"
WEBHOOK_SECRET = "whsec_payments_test"
PRICE_CENTS = 1299
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_NO_FUNDS = "4000000000009995"
CARD_3DS = "4000002500003155"


def pay(base_url: str, client_secret: str, card: str, **kwargs: Any) -> dict[str, Any]:
    """What Stripe.js does in the browser: confirm the intent with a card."""
    return localstripe_server.confirm_card(base_url, client_secret=client_secret, card_number=card,
                                           secret_key=SECRET_KEY, publishable_key=PUBLISHABLE_KEY, **kwargs)


def card_token(base_url: str, card: str = CARD_OK) -> str:
    """What `stripe.createToken(card)` does in the browser, with the publishable key only."""
    response = httpx.post(f"{base_url}/v1/tokens", data={
        "card[number]": card, "card[exp_month]": "12", "card[exp_year]": "2034", "card[cvc]": "123",
        "key": PUBLISHABLE_KEY})
    response.raise_for_status()
    return response.json()["id"]


def order_row(order_id: int) -> Order:
    with db.session() as s:
        return s.get(Order, order_id)  # type: ignore[return-value]


def audit_actions(order_id: int) -> list[str]:
    ref = order_row(order_id).display_id
    with db.session() as s:
        return list(s.exec(select(AuditLog.action).where(AuditLog.entity_type == "order", AuditLog.entity_id == ref)
                           .order_by(AuditLog.id)).all())  # in the order they were written


def stripe_events(order_id: int) -> list[StripeEvent]:
    with db.session() as s:
        return list(s.exec(select(StripeEvent).where(StripeEvent.order_id == order_id)).all())


@dataclasses.dataclass(frozen=True)
class Delivery:
    type: str
    object_id: str
    body: bytes
    signature: str | None
    status: int


class Receiver:
    """Our webhook route behind a recorder; `process=False` only records (a webhook held back)."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.fulfilled: list[list[int]] = []  # what the route handed to background fulfilment
        self.process = True
        self.app = Starlette(routes=[Route("/api/stripe/webhook", self._endpoint, methods=["POST"])])

    async def _endpoint(self, request: Request) -> Response:
        body = await request.body()
        response = await stripe_webhook(request) if self.process else Response(status_code=200)
        event = json.loads(body)
        self.deliveries.append(Delivery(event["type"], event["data"]["object"]["id"], body,
                                        request.headers.get("stripe-signature"), response.status_code))
        return response

    def wait_for(self, event_type: str, object_id: str, timeout: float = 10.0) -> Delivery:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for delivery in self.deliveries:
                if delivery.type == event_type and delivery.object_id == object_id:
                    return delivery
            time.sleep(0.05)
        raise TimeoutError(f"no {event_type} webhook for {object_id} within {timeout}s")


@pytest.fixture(scope="session")
def receiver() -> Iterator[tuple[Receiver, str]]:
    recv = Receiver()
    port = localstripe_server.free_port()
    server = uvicorn.Server(uvicorn.Config(recv.app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield recv, f"http://127.0.0.1:{port}/api/stripe/webhook"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def stripe_sandbox(database_url: str, receiver: tuple[Receiver, str]) -> Iterator[str]:
    """localstripe with our webhook registered, and settings pointing the app at it."""
    _, webhook_url = receiver
    with localstripe_server.running(webhook_url=webhook_url, webhook_secret=WEBHOOK_SECRET) as base_url, \
            pytest.MonkeyPatch.context() as mp:
        for name, value in {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
                            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": base_url}.items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        yield base_url
    get_settings.cache_clear()


@pytest.fixture
def webhooks(stripe_sandbox: str, receiver: tuple[Receiver, str],
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """The receiver, processing; background fulfilment (orders' business, not payments') is only recorded."""
    recv, _ = receiver
    recv.process = True
    recv.fulfilled.clear()
    monkeypatch.setattr(background, "fulfil_in_background", recv.fulfilled.append)
    yield recv
    recv.process = True
