"""Provider webhooks fail closed: no path token, no entry (in production too); a verified callback is a
prompt to re-read the provider's API, so its claims can neither end an eSIM, lower its usage, nor spend
(or suppress) its once-only notices; the sandbox's simulators call back with the token."""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from esim_app.http.api import build_api
from providers.registry import ProviderRegistry, build_registry, webhook_token
from providers.sandbox.server import Sandbox, run_simulators
from providers.specs import spec_for
from services import sandbox as sandbox_tooling
from services.catalog.sync import run_sync_packages
from services.core import crypto, db
from services.core.models import Esim, EsimNotice, EsimStatus, ProviderWebhookEvent, User
from services.core.settings import Settings, get_settings
from services.orders import ordering as orders
from services.orders import provider_webhooks, usage
from tests.conftest import own_database
from tests.integration.jobs.conftest import offers, paid_order
from tests.integration.jobs.test_webhooks import use_at_provider

PRODUCTION_TOKEN = "tok_" + "p" * 40


@pytest.fixture(scope="module")
def sandbox(database_url: str) -> Iterator[Sandbox]:
    with own_database("esim_sec_hooks", restore=database_url), run_simulators(["esim_access"]) as running:
        running.sim("esim_access").allocation_delay = 0.0
        run_sync_packages(_registry(running))
        yield running


def _registry(sandbox: Sandbox) -> ProviderRegistry:
    return build_registry(Settings(esim_env="development", esim_providers="esim_access"),
                          sandbox_urls=sandbox.urls)


@pytest.fixture(autouse=True)
def route_registry(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provider_webhooks, "get_registry", functools.cache(lambda: _registry(sandbox)))


@pytest.fixture
async def app() -> Iterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=build_api()), base_url="http://t") as client:
        yield client


async def _live_esim(sandbox: Sandbox, used: float) -> Esim:
    """A customer's eSIM Access eSIM, which the provider's API reports `used` (a fraction) used."""
    with db.session() as s:
        user = User(email=f"{uuid.uuid4().hex[:10]}@example.com")
        s.add(user)
        s.commit()
        user_id = user.id
    order_id = paid_order(user_id, offers("esim_access", 1)[0])
    assert (await orders.fulfil_paid_order(order_id, registry=_registry(sandbox))).status == "completed"
    with db.session() as s:
        esim = s.execute(sa.select(Esim).where(Esim.order_id == order_id)).scalar_one()
    use_at_provider(sandbox, "esim_access", esim.iccid, used)
    await usage.sync_usage(registry=_registry(sandbox), stale_after=dt.timedelta(0))
    return _reload(esim.id)


def _reload(esim_id: int) -> Esim:
    with db.session() as s:
        return s.get(Esim, esim_id)


def _notices(esim_id: int) -> list[str]:
    with db.session() as s:
        return sorted(s.execute(sa.select(EsimNotice.kind).where(EsimNotice.esim_id == esim_id)).scalars())


def _events(key: str) -> int:
    with db.session() as s:
        return s.execute(sa.select(sa.func.count()).select_from(ProviderWebhookEvent)
                         .where(ProviderWebhookEvent.event_key == key)).scalar()


def _status_body(esim: Esim, status: str, *, used_bytes: int = 0, kind: str = "ESIM_STATUS") -> tuple[str, bytes]:
    key = uuid.uuid4().hex
    return key, json.dumps({"notifyType": kind, "notifyId": key, "content": {
        "iccid": esim.iccid, "esimStatus": status, "smdpStatus": "DISABLED", "orderUsage": used_bytes,
        "totalVolume": 1 << 40, "remain": 0, "expiredTime": "2000-01-01T00:00:00+0000"}}).encode()


def _token() -> str:
    token = webhook_token(get_settings(), spec_for("esim_access"))
    assert token
    return token


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # production needs its encryption key set: the one development generated, so stored eSIMs stay readable
    monkeypatch.setenv("ENCRYPTION_KEYS", crypto._development_key(get_settings().data_dir))
    monkeypatch.setenv("ESIM_ENV", "production")
    monkeypatch.setenv("ESIM_ACCESS_WEBHOOK_TOKEN", PRODUCTION_TOKEN)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_a_forged_unsigned_esim_access_post_is_refused(sandbox, app, record_property):
    # given a live eSIM, and a post claiming it was cancelled, unsigned and without the path token
    esim = await _live_esim(sandbox, 0.3)
    key, body = _status_body(esim, "CANCEL")
    # when it is posted to the bare callback URL, or with a made-up token
    bare = await app.post("/api/providers/esim_access/webhook", content=body)
    guessed = await app.post("/api/providers/esim_access/webhook/guess", content=body)
    # then both are refused and nothing is recorded or changed
    assert (bare.status_code, guessed.status_code) == (401, 401)
    assert _events(key) == 0 and _reload(esim.id).status == esim.status
    for case in ("no path token", "guessed path token"):  # counted in make test's security line
        record_property("security_webhook", case)


async def test_in_production_only_the_configured_token_is_accepted(sandbox, app, production, record_property):
    esim = await _live_esim(sandbox, 0.3)
    key, body = _status_body(esim, "CANCEL")
    for url in ("/api/providers/esim_access/webhook", "/api/providers/esim_access/webhook/" + PRODUCTION_TOKEN[:-1],
                "/api/providers/esim_access/webhook/" + PRODUCTION_TOKEN + "x"):
        assert (await app.post(url, content=body)).status_code == 401
        record_property("security_webhook", f"production {url[-6:]}")
    assert _events(key) == 0
    ok = await app.post(f"/api/providers/esim_access/webhook/{PRODUCTION_TOKEN}", content=body)
    assert ok.status_code == 200 and _events(key) == 1
    assert _reload(esim.id).status != EsimStatus.CANCELLED  # the API says it is in use


async def test_a_verified_cancelled_claim_while_the_api_says_active_changes_nothing(sandbox, app):
    # given an eSIM the provider reports 85 % used and in use
    esim = await _live_esim(sandbox, 0.85)
    assert esim.status == EsimStatus.ACTIVE and _notices(esim.id) == ["usage_80"]
    # when a verified callback claims it was cancelled, expired long ago, with nothing used
    key, body = _status_body(esim, "CANCEL")
    response = await app.post(f"/api/providers/esim_access/webhook/{_token()}", content=body)
    # then the delivery is taken (200, recorded) but what is applied is the API's: still active, usage kept
    assert response.status_code == 200 and _events(key) == 1
    after = _reload(esim.id)
    assert (after.status, after.expires_at) == (EsimStatus.ACTIVE, esim.expires_at)
    assert after.used_mb >= esim.used_mb and after.total_mb == esim.total_mb


async def test_a_callback_cannot_spend_or_suppress_the_once_only_notices(sandbox, app):
    # given an eSIM the provider reports 10 % used
    esim = await _live_esim(sandbox, 0.10)
    # when a verified callback claims it is used up and expiring
    _, body = _status_body(esim, "USED_UP", used_bytes=1 << 40, kind="DATA_USAGE")
    assert (await app.post(f"/api/providers/esim_access/webhook/{_token()}", content=body)).status_code == 200
    # then no notice is sent and the usage stays the API's
    assert _notices(esim.id) == [] and _reload(esim.id).used_mb == esim.used_mb
    # and when the provider really reaches 90 %, the next re-read sends the real notice
    use_at_provider(sandbox, "esim_access", esim.iccid, 0.9)
    _, again = _status_body(esim, "IN_USE", kind="DATA_USAGE")
    assert (await app.post(f"/api/providers/esim_access/webhook/{_token()}", content=again)).status_code == 200
    assert _notices(esim.id) == ["usage_80"]


async def test_when_the_api_cannot_be_asked_the_esim_waits_for_the_usage_job(sandbox, app):
    esim = await _live_esim(sandbox, 0.2)
    sandbox.sim("esim_access").faults.update({"fail_next": 10})
    try:
        _, body = _status_body(esim, "CANCEL")
        assert (await app.post(f"/api/providers/esim_access/webhook/{_token()}", content=body)).status_code == 200
    finally:
        sandbox.sim("esim_access").faults.update({"fail_next": 0})
    after = _reload(esim.id)
    assert after.status == esim.status and after.usage_updated_at is None  # first in line for the sync


def test_the_sandbox_simulators_call_back_with_the_token():
    mounts = dict(sandbox_tooling.simulator_mounts(Settings(esim_env="development", app_port=3999)))
    [url] = [m.state.sim.webhooks.url for prefix, m in mounts.items() if prefix.endswith("/esim_access")]
    assert url == f"http://127.0.0.1:3999/api/providers/esim_access/webhook/{_token()}"
