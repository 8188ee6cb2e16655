"""Provider webhooks over HTTP: signatures (good, bad, replayed), usage applied at once, async orders
completed by the simulator's ORDER_STATUS, and the simulators' own usage callbacks."""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from esim_app.http import provider_webhooks as route
from providers.sandbox import airalo as airalo_sim
from providers.sandbox import esim_access as esim_access_sim
from providers.sandbox import esim_go as esim_go_sim
from services.core import db
from services.core.models import Esim, EsimNotice, Order, ProviderWebhookEvent
from services.orders import ordering as orders
from services.orders import provider_webhooks as webhook_service
from services.sandbox import localstripe as localstripe_server
from tests.integration.jobs.conftest import offers, paid_order


@pytest.fixture(scope="module")
def hooks_url(sandbox) -> Iterator[str]:
    app = Starlette(routes=[Route("/api/providers/{provider}/webhook", route.provider_webhook,
                                  methods=["POST", "HEAD"])])
    port = localstripe_server.free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/api/providers"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(autouse=True)
def route_registry(sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """The route's registry stands for the web process's: one per test, built on first use (in the hooks
    server's loop), against the test simulators. A registry per delivery cost three new HTTP clients on
    the server's loop for every callback."""
    from tests.integration.jobs.conftest import make_registry

    monkeypatch.setattr(webhook_service, "get_registry", functools.cache(lambda: make_registry(sandbox)))


async def _completed_esim(customer: int, provider: str, registry) -> Esim:
    order_id = paid_order(customer, offers(provider, 1)[0])
    assert (await orders.fulfil_paid_order(order_id, registry=registry)).status == "completed"
    with db.session() as s:
        return s.execute(sa.select(Esim).where(Esim.order_id == order_id)).scalar_one()


def _esim_go_body(esim: Esim, used_fraction: float) -> bytes:
    initial = 1_000_000_000
    return json.dumps({"iccid": esim.iccid, "alertType": "Utilisation", "bundle": {
        "id": "1", "reference": "r", "name": "b", "initialQuantity": initial,
        "remainingQuantity": int(initial * (1 - used_fraction)), "startTime": "2026-11-20T08:00:00Z",
        "endTime": "2027-01-20T08:00:00Z", "unlimited": False}}).encode()


def _sign_go(body: bytes, *, b64: bool = False, key: str = esim_go_sim.API_KEY) -> str:
    digest = hmac.new(key.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode() if b64 else digest.hex()


def _events(provider: str) -> int:
    with db.session() as s:
        return s.execute(sa.select(sa.func.count()).select_from(ProviderWebhookEvent)
                         .where(ProviderWebhookEvent.provider_id == provider)).scalar()


def _notices(esim_id: int) -> list[str]:
    with db.session() as s:
        return sorted(s.execute(sa.select(EsimNotice.kind).where(EsimNotice.esim_id == esim_id)).scalars())


async def test_esim_go_callback_good_bad_and_replayed(hooks_url, customer, registry):
    # given an eSIM Go eSIM and a V3 usage callback at 85 % used
    esim = await _completed_esim(customer, "esim_go", registry)
    body = _esim_go_body(esim, 0.85)
    url = f"{hooks_url}/esim_go/webhook"
    async with httpx.AsyncClient() as http:
        # when it arrives with a wrong signature, or none: refused, nothing recorded
        before = _events("esim_go")
        bad = await http.post(url, content=body, headers={"X-Signature-SHA256": _sign_go(body, key="wrong")})
        missing = await http.post(url, content=body)
        assert (bad.status_code, missing.status_code) == (401, 401)
        assert _events("esim_go") == before
        # when it arrives signed (hex), then replayed with the base64 form of the same signature
        good = await http.post(url, content=body, headers={"X-Signature-SHA256": _sign_go(body)})
        replay = await http.post(url, content=body, headers={"X-Signature-SHA256": _sign_go(body, b64=True)})
    # then both answer 200, it is recorded and applied once: usage updated, one 80 % notice
    assert (good.status_code, replay.status_code) == (200, 200)
    assert _events("esim_go") == before + 1
    with db.session() as s:
        updated = s.get(Esim, esim.id)
    assert updated.used_mb > 0.8 * updated.total_mb
    assert _notices(esim.id) == ["usage_80"]


async def test_airalo_low_data_signed_raw_or_compact(hooks_url, customer, registry):
    esim = await _completed_esim(customer, "airalo", registry)
    payload = {"level": "90%", "package_name": "x/y", "remaining_percentage": 0, "iccid": esim.iccid}
    pretty = json.dumps(payload, indent=2).encode()  # the signature covers the compact form
    compact = json.dumps(payload, separators=(",", ":")).encode()
    sign = lambda raw: hmac.new(airalo_sim.CLIENT_SECRET.encode(), raw, hashlib.sha512).hexdigest()
    url = f"{hooks_url}/airalo/webhook"
    async with httpx.AsyncClient() as http:
        assert (await http.head(url)).status_code == 200  # Airalo's opt-in check
        assert (await http.post(url, content=pretty, headers={"airalo-signature": sign(b"other")})).status_code == 401
        assert (await http.post(url, content=pretty, headers={"airalo-signature": sign(compact)})).status_code == 200
    assert _notices(esim.id) == ["usage_100", "usage_80"]


async def test_esim_access_order_status_completes_an_async_order(hooks_url, sandbox, customer, registry,
                                                               monkeypatch: pytest.MonkeyPatch):
    # given eSIM Access allocating for 1.5 s, fulfilment that stops waiting at once, and the webhook set up
    sim = sandbox.sim("esim_access")
    sim.allocation_delay = 1.5
    sim.webhooks.url = f"{hooks_url}/esim_access/webhook"
    monkeypatch.setattr(orders, "INLINE_POLL_SECONDS", 0.0)
    order_id = paid_order(customer, offers("esim_access", 1)[0])
    try:
        assert (await orders.fulfil_paid_order(order_id, registry=registry)).status == "provisioning"
        # when the simulator sends ORDER_STATUS / GOT_RESOURCE
        deadline = time.monotonic() + 10
        while _status(order_id) != "completed":
            assert time.monotonic() < deadline, "the webhook did not complete the order"
            await asyncio.sleep(0.1)
    finally:
        sim.allocation_delay = 0.0
    # then the order is completed with its one eSIM, without waiting for the polling job
    with db.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Esim).where(Esim.order_id == order_id)).scalar() == 1
    assert [d.status for d in sim.webhooks.deliveries][-1] == 200


async def test_esim_access_signed_webhook_with_a_bad_signature_is_refused(hooks_url):
    body = json.dumps({"notifyType": "CHECK_HEALTH", "notifyId": "n-1", "content": {"orderStatus": "Test"}}).encode()
    headers = {"RT-AccessCode": esim_access_sim.ACCESS_CODE, "RT-Timestamp": "1", "RT-RequestID": "r",
               "RT-Signature": "00" * 32}
    async with httpx.AsyncClient() as http:
        assert (await http.post(f"{hooks_url}/esim_access/webhook", content=body, headers=headers)).status_code == 401
        assert (await http.post(f"{hooks_url}/esim_access/webhook", content=body)).status_code == 200
        assert (await http.post(f"{hooks_url}/nobody/webhook", content=body)).status_code == 404


async def test_simulator_usage_callbacks_reach_the_esims(hooks_url, sandbox, customer, registry):
    # given an eSIM Go eSIM well into its allowance, and the simulator's callback URL set
    sim = sandbox.sim("esim_go")
    sim.factory.pace = 1.2
    try:
        esim = await _completed_esim(customer, "esim_go", registry)
    finally:
        sim.factory.pace = None
    sim.webhooks.url = f"{hooks_url}/esim_go/webhook"
    sim.webhooks.encoding = "base64"
    sim.clock.advance(days=60)
    # when the simulator emits its alerts (twice: the second finds nothing new)
    async with httpx.AsyncClient(base_url=sandbox.urls["esim_go"], timeout=60) as http:
        first = (await http.post("/_sandbox/webhooks/emit")).json()["sent"]
        second = (await http.post("/_sandbox/webhooks/emit")).json()["sent"]
    # then our eSIM has its usage and notices, each once (deliveries are asynchronous: wait for them)
    assert first >= 1 and second == 0
    deadline = time.monotonic() + 10
    while "usage_80" not in _notices(esim.id):
        assert time.monotonic() < deadline, "the usage callback never reached the eSIM"
        await asyncio.sleep(0.1)
    assert all(d.status == 200 for d in sim.webhooks.deliveries)


def _status(order_id: int) -> str:
    with db.session() as s:
        return s.get(Order, order_id).status
