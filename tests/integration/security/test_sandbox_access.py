"""The sandbox answers only this machine, only while it is in use, and never calls an arbitrary URL.

The app is composed as Reflex composes it (`api_transformers`): our routes (with the simulators
mounted under `/_sandbox/providers/<id>`), then the sandbox guard around everything.
"""

from __future__ import annotations

import uuid

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from esim_app.http.api import build_api
from esim_app.state.inbox import InboxState
from providers.sandbox.server import APP_FACTORIES
from services import notifications, sandbox
from services.core import db, get_settings
from services.notifications import SandboxOnly, enqueue_email

LOOPBACK = ("127.0.0.1", 50000)
REMOTE = ("203.0.113.5", 50000)
FAULTS = "/_sandbox/providers/{}/_sandbox/faults"
WEBHOOK_KNOB = "/_sandbox/providers/airalo/_sandbox/webhooks"


def _app() -> sandbox.SandboxGuard:
    api = build_api()
    api.router.routes.append(Route("/sandbox/inbox", lambda request: PlainTextResponse("inbox page")))
    return sandbox.SandboxGuard(api)


def _client(address: tuple[str, int]) -> TestClient:
    return TestClient(_app(), client=address)


def test_simulator_knobs_and_sandbox_pages_answer_only_loopback_clients(env) -> None:
    remote, local = _client(REMOTE), _client(LOOPBACK)
    for path in (FAULTS.format("esim_go"), "/sandbox/inbox", "/_sandbox/anything"):
        assert remote.get(path).status_code == 404, path
        assert remote.post(path, json={"fail_next": 5}).status_code in (404, 405), path
    assert local.get(FAULTS.format("esim_go")).status_code == 200
    assert local.get("/sandbox/inbox").text == "inbox page"
    # a request relayed by a proxy on this machine comes from someone else
    assert local.get("/sandbox/inbox", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 404
    assert local.get(FAULTS.format("airalo"), headers={"Forwarded": "for=203.0.113.5"}).status_code == 404
    assert remote.get("/api/health").status_code == 200  # the rest of the app is unaffected


def test_a_provider_with_credentials_has_no_simulator(env) -> None:
    env.setenv("ESIM_GO_API_KEY", "real-key")
    env.setenv("ESIM_ALLOW_SANDBOX_PAYMENTS", "1")
    get_settings.cache_clear()
    local = _client(LOOPBACK)
    assert local.get(FAULTS.format("esim_go")).status_code == 404
    assert local.get(FAULTS.format("airalo")).status_code == 200
    assert [prefix for prefix, _ in sandbox.simulator_mounts(get_settings())] == [
        "/_sandbox/providers/airalo", "/_sandbox/providers/esim_access"]


def test_with_smtp_configured_the_inbox_page_is_gone(env) -> None:
    env.setenv("SMTP_HOST", "smtp.example.com")
    get_settings.cache_clear()
    assert _client(LOOPBACK).get("/sandbox/inbox").status_code == 404


def test_the_webhook_knob_accepts_only_the_apps_own_webhook(env) -> None:
    local = _client(LOOPBACK)
    own = f"http://127.0.0.1:{get_settings().app_port}/api/providers/airalo/webhook"
    for target in ("http://169.254.169.254/latest/meta-data", "https://attacker.example/hook",
                   "http://127.0.0.1:5432/", "http://user:pw@127.0.0.1/"):
        refused = local.post(WEBHOOK_KNOB, json={"url": target})
        assert refused.status_code == 400, target
        assert local.get(WEBHOOK_KNOB).json()["url"] == own
    assert local.post(WEBHOOK_KNOB, json={"url": own}).status_code == 200
    assert local.post(WEBHOOK_KNOB, json={"url": ""}).json()["url"] == ""  # switching webhooks off is fine
    assert local.post(WEBHOOK_KNOB, content=b"{not json").status_code == 400


def test_a_standalone_simulator_posts_only_to_loopback_addresses() -> None:
    standalone = TestClient(APP_FACTORIES["esim_go"]())
    assert standalone.post("/_sandbox/webhooks", json={"url": "http://localhost:3000/hook"}).status_code == 200
    assert standalone.post("/_sandbox/webhooks", json={"url": "http://[::1]:3000/hook"}).status_code == 200
    assert standalone.post("/_sandbox/webhooks", json={"url": "http://10.0.0.7/hook"}).status_code == 400
    assert standalone.post("/_sandbox/webhooks", json={"url": "file:///etc/passwd"}).status_code == 400


def _inbox_tab(client_ip: str) -> InboxState:
    root = rx.State()
    root.router = RouterData.from_router_data({"ip": client_ip})
    return root.get_substate(InboxState.get_full_name().split(".")[1:])


async def test_the_inbox_handler_answers_only_this_machine(env, database_url: str) -> None:
    address = f"inbox-{uuid.uuid4().hex[:8]}@example.com"
    with db.session() as s, s.begin():
        enqueue_email(s, to=address, template="login_code", context={"code": "918273", "valid_minutes": 5})
    remote = _inbox_tab(REMOTE[0])
    await remote.load()
    assert remote.messages == [] and remote.error
    local = _inbox_tab(LOOPBACK[0])
    await local.load()
    assert any(m.recipient == address and "918273" in m.body for m in local.messages) and local.error == ""


async def test_the_inbox_is_refused_with_smtp_configured_or_in_production(env, database_url: str) -> None:
    env.setenv("SMTP_HOST", "smtp.example.com")
    get_settings.cache_clear()
    with pytest.raises(SandboxOnly):
        await notifications.list_inbox(client_ip="127.0.0.1")
    env.delenv("SMTP_HOST")
    env.setenv("ESIM_ENV", "production")
    get_settings.cache_clear()
    with pytest.raises(SandboxOnly):
        await notifications.list_inbox(client_ip="127.0.0.1")
