"""A real localstripe subprocess posting its signed webhooks to our real route on a small server."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from esim_app.http.stripe_webhook import stripe_webhook
from services.core import db
from services.core.models import Order, Package
from services.core.settings import get_settings
from services.orders import ordering as orders
from services.sandbox import localstripe as localstripe_server
from tests.integration.payments.support import PRICE_CENTS, PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET


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
        self.fulfilled: list[list[int]] = []  # what the route handed to orders.fulfil_in_background
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
    """The receiver, processing; fulfilment (orders' business, not ours) is only recorded."""
    recv, _ = receiver
    recv.process = True
    recv.fulfilled.clear()
    monkeypatch.setattr(orders, "fulfil_in_background", recv.fulfilled.append, raising=False)
    yield recv
    recv.process = True


@pytest.fixture
def order_id(stripe_sandbox: str) -> int:
    """A pending order for a fresh plan at the server's price."""
    suffix = uuid.uuid4().hex[:10]
    with db.session() as s:
        package = Package(slug=f"pay-{suffix}", provider_id="airalo", provider_package_id=f"p-{suffix}",
                          kind="local", destination_code="FR", destination_name="France", name="France 5 GB",
                          data_mb=5120, validity_days=30, cost_micros=6_000_000, price_cents=PRICE_CENTS,
                          group_key=f"FR-5GB-{suffix}")
        s.add(package)
        s.flush()
        order = Order(package_id=package.id, client_reference=uuid.uuid4().hex, price_cents=PRICE_CENTS,
                      currency="USD", cost_micros=6_000_000)
        s.add(order)
        s.commit()
        return order.id  # type: ignore[return-value]
