"""Provider webhooks over HTTP: signatures (good, bad, replayed) and path tokens, usage re-read from the
provider's API at once, async orders completed by the simulator's ORDER_STATUS, the simulators' own usage
callbacks, and old webhook events purged by the clean-up job."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
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
from providers.registry import webhook_token
from providers.sandbox import airalo as airalo_sim
from providers.sandbox import esim_access as esim_access_sim
from providers.sandbox import esim_go as esim_go_sim
from providers.sandbox.esims import FIRST_USE_AFTER, Profile
from providers.sandbox.server import Sandbox
from providers.specs import spec_for
from services.core import db
from services.core.models import Esim, EsimNotice, Order, ProviderWebhookEvent, StripeEvent
from services.core.settings import get_settings
from services.jobs import scheduler
from services.orders import ordering as orders
from services.orders import provider_webhooks
from services.sandbox import localstripe as localstripe_server
from tests.integration.jobs.conftest import offers, paid_order


@pytest.fixture(scope="module")
def hooks_url(sandbox) -> Iterator[str]:
    app = Starlette(routes=[Route(path, route.provider_webhook, methods=["POST", "HEAD"]) for path in (
        "/api/providers/{provider}/webhook", "/api/providers/{provider}/webhook/{token}")])
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

    monkeypatch.setattr(provider_webhooks, "get_registry", functools.cache(lambda: make_registry(sandbox)))


def esim_access_token() -> str:
    """The path token this process expects from eSIM Access (generated: tests are not production)."""
    token = webhook_token(get_settings(), spec_for("esim_access"))
    assert token
    return token


def profile_of(sandbox: Sandbox, provider: str, iccid: str) -> Profile:
    sim = sandbox.sim(provider)
    if provider == "esim_access":
        return next(e.profile for e in sim.esims.values() if e.profile.iccid == iccid)
    return sim.profiles[iccid]


def use_at_provider(sandbox: Sandbox, provider: str, iccid: str, fraction: float) -> None:
    """Make the provider's API report `fraction` of the eSIM's allowance used (and it still active)."""
    profile = profile_of(sandbox, provider, iccid)
    days = profile.bundles[0].offer.plan.days
    profile.pace = 1.0
    profile.issued_at = sandbox.sim(provider).clock.now() - FIRST_USE_AFTER - dt.timedelta(days=days * fraction)


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


async def test_esim_go_callback_good_bad_and_replayed(hooks_url, sandbox, customer, registry):
    # given an eSIM Go eSIM the API reports 85 % used, and a V3 usage callback claiming only 10 %
    esim = await _completed_esim(customer, "esim_go", registry)
    use_at_provider(sandbox, "esim_go", esim.iccid, 0.85)
    body = _esim_go_body(esim, 0.10)
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
    # then both answer 200, it is recorded once and prompted one re-read: the API's usage, one 80 % notice
    assert (good.status_code, replay.status_code) == (200, 200)
    assert _events("esim_go") == before + 1
    with db.session() as s:
        updated = s.get(Esim, esim.id)
    assert updated.used_mb > 0.8 * updated.total_mb
    assert _notices(esim.id) == ["usage_80"]


async def test_airalo_low_data_signed_raw_or_compact(hooks_url, sandbox, customer, registry):
    esim = await _completed_esim(customer, "airalo", registry)
    use_at_provider(sandbox, "airalo", esim.iccid, 1.0)
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
    sim.webhooks.url = f"{hooks_url}/esim_access/webhook/{esim_access_token()}"
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


async def test_esim_access_needs_its_path_token_and_a_good_signature_when_signed(hooks_url):
    body = json.dumps({"notifyType": "CHECK_HEALTH", "notifyId": "n-1", "content": {"orderStatus": "Test"}}).encode()
    headers = {"RT-AccessCode": esim_access_sim.ACCESS_CODE, "RT-Timestamp": "1", "RT-RequestID": "r",
               "RT-Signature": "00" * 32}
    url = f"{hooks_url}/esim_access/webhook"
    async with httpx.AsyncClient() as http:
        assert (await http.post(f"{url}/{esim_access_token()}", content=body, headers=headers)).status_code == 401
        assert (await http.post(f"{url}/{esim_access_token()}", content=body)).status_code == 200
        assert (await http.post(url, content=body)).status_code == 401  # no token: never again
        assert (await http.post(f"{url}/not-the-token", content=body)).status_code == 401
        assert (await http.post(f"{hooks_url}/nobody/webhook", content=body)).status_code == 404


async def test_simulator_usage_callbacks_reach_the_esims(hooks_url, sandbox, customer, registry):
    # given an eSIM Go eSIM well into its allowance, and the simulator's callback URL set
    sim = sandbox.sim("esim_go")
    esim = await _completed_esim(customer, "esim_go", registry)
    use_at_provider(sandbox, "esim_go", esim.iccid, 0.9)
    sim.webhooks.url = f"{hooks_url}/esim_go/webhook"
    sim.webhooks.encoding = "base64"
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


async def test_esim_access_simulator_callbacks_carry_the_token_and_reach_the_esims(hooks_url, sandbox, customer,
                                                                                    registry):
    # given an eSIM Access eSIM the API reports 95 % used, and the simulator sending to the token URL
    esim = await _completed_esim(customer, "esim_access", registry)
    use_at_provider(sandbox, "esim_access", esim.iccid, 0.95)
    sim = sandbox.sim("esim_access")
    sim.webhooks.url = f"{hooks_url}/esim_access/webhook/{esim_access_token()}"
    # when it emits its DATA_USAGE alerts
    async with httpx.AsyncClient(base_url=sandbox.urls["esim_access"], timeout=60) as http:
        assert (await http.post("/_sandbox/webhooks/emit")).json()["sent"] >= 1
    # then they are accepted and our eSIM gets its 80 % notice from the re-read
    deadline = time.monotonic() + 10
    while "usage_80" not in _notices(esim.id):
        assert time.monotonic() < deadline, "the usage callback never reached the eSIM"
        await asyncio.sleep(0.1)
    assert sim.webhooks.deliveries and all(d.status == 200 for d in sim.webhooks.deliveries)


async def test_cleanup_purges_webhook_events_past_the_retention_period(registry):
    # given provider and Stripe events received 91 days ago and yesterday
    now = dt.datetime.now(dt.UTC)
    with db.session() as s, s.begin():
        for age, tag in ((dt.timedelta(days=91), "old"), (dt.timedelta(days=1), "new")):
            s.add(ProviderWebhookEvent(provider_id="esim_go", event_key=f"purge-{tag}", kind="x",
                                       received_at=now - age))
            s.add(StripeEvent(event_id=f"evt_purge_{tag}", type="x", received_at=now - age))
    # when the clean-up job runs with the default retention (90 days)
    result = await scheduler.run_job(next(j for j in scheduler.job_specs() if j.name == "cleanup"), registry)
    # then the old rows are gone and the recent ones kept
    assert result is not None and result.processed >= 2
    with db.session() as s:
        keys = set(s.execute(sa.select(ProviderWebhookEvent.event_key)
                             .where(ProviderWebhookEvent.event_key.like("purge-%"))).scalars())
        ids = set(s.execute(sa.select(StripeEvent.event_id).where(StripeEvent.event_id.like("evt_purge_%"))).scalars())
    assert (keys, ids) == ({"purge-new"}, {"evt_purge_new"})
