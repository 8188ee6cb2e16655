"""The several-process layout, built and served for real: `esim serve --workers 2` (page state in a
Redis of the module's own), two `esim jobs` processes and one `esim simulators` that all use.

- Both web workers reach each tab's state, accept the simulators' callbacks and mount no simulators.
- A customer buys an eSIM while the web worker serving their tab is SIGKILLed after the card is typed:
  the tab reconnects to the other worker, the typed card survives, and the order is paid and bought once.
- A job worker is SIGKILLed while a provider holds the answer to the order it placed: the other job
  worker resumes the order (asking the provider, never ordering again) and the eSIM reaches the
  customer within 60 s.

Slow (its own production build, on top of the session's): a few minutes."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import psutil
import pytest
import redis
import sqlalchemy as sa
from playwright.sync_api import Page, WebSocket, expect

from services.core import db
from services.core.settings import Settings
from services.sandbox import localstripe as localstripe_server
from services.sandbox import simulators
from services.sandbox import tooling as sandbox
from tests.e2e.helpers import enter_card
from tests.e2e.test_purchase import CARD_OK, _sign_in
from tests.support.orders import best_offer, new_customer, paid_order
from tests.support.server import ROOT, free_port, redis_server, stop_group, wait_until_healthy

ESIM = str(pathlib.Path(sys.executable).with_name("esim"))
ARTIFACTS = ROOT / "test-artifacts"
PROVIDER_TIMEOUT = 10  # seconds; an order's provisioning lease is this plus 10 s
DELIVERY_DEADLINE = 60.0  # seconds from a job worker's death to the eSIM in the customer's hands


def _start(args: list[str], env: dict[str, str], log: pathlib.Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen([ESIM, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


@pytest.fixture(scope="module")
def two_workers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    port, stripe_port, sims_port = free_port(), free_port(), free_port()
    data_dir = str(tmp_path_factory.mktemp("workers-data"))
    settings = Settings(_env_file=None, esim_env="test", app_port=port)
    ARTIFACTS.mkdir(exist_ok=True)
    with redis_server() as redis_url:
        env = {**os.environ, "DATABASE_URL": database_url, "ESIM_ENV": "test", "SCHEDULER": "off",
               "APP_PORT": str(port), "DATA_DIR": data_dir, "REDIS_URL": redis_url,
               "SIMULATORS_URL": simulators.base_url(sims_port), "PROVIDER_TIMEOUT_SECONDS": str(PROVIDER_TIMEOUT),
               "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "0", "REFLEX_USE_SYSTEM_BUN": "1",
               **sandbox.stripe_env(settings, port=stripe_port)}
        sims = _start(["simulators", "--port", str(sims_port)], env, ARTIFACTS / "workers-simulators.log")
        web = _start(["serve", "--workers", "2"], env, ARTIFACTS / "workers-app.log")
        jobs: list[subprocess.Popen] = []
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", web, ARTIFACTS / "workers-app.log", 900)
            jobs = [_start(["jobs"], env, ARTIFACTS / f"workers-jobs-{i}.log") for i in (1, 2)]
            yield {"url": f"http://127.0.0.1:{port}", "simulators": env["SIMULATORS_URL"], "pid": str(web.pid),
                   "data_dir": data_dir, "redis": redis_url, "jobs": ",".join(str(j.pid) for j in jobs)}
        finally:
            for proc in (*jobs, web, sims):
                stop_group(proc, 30)
            localstripe_server.stop(stripe_port)


def _granian_workers(pid: int) -> list[psutil.Process]:
    """The serving processes under `esim serve`: Reflex's supervisor forks one per worker."""
    tree = psutil.Process(pid).children(recursive=True)
    return [p for p in tree if p.parent() is not None and p.parent().cmdline() == p.cmdline()]


def test_two_workers_share_redis_state_and_one_simulator(two_workers: dict[str, str], page: Page) -> None:
    app = two_workers["url"]
    assert len(_granian_workers(int(two_workers["pid"]))) == 2
    # The app serves no simulators of its own; the simulators process serves them at the same paths.
    path = "/_sandbox/providers/esim_go/_sandbox/faults"
    assert httpx.get(app + path, timeout=10).status_code == 404
    assert httpx.get(two_workers["simulators"] + path, timeout=10).status_code == 200
    # Every worker accepts the simulators' callbacks: the token is shared, not made up per process.
    token = (pathlib.Path(two_workers["data_dir"]) / "sandbox-webhook-esim_access.token").read_text().strip()
    hook = f"{app}/api/providers/esim_access/webhook"
    answers = {httpx.post(f"{hook}/{token}", content=b"{}", timeout=10).status_code for _ in range(12)}
    assert 401 not in answers
    assert httpx.post(f"{hook}/not-the-token", content=b"{}", timeout=10).status_code == 401
    # A page's state lives in Redis (Reflex's Redis state manager), where either worker finds it.
    page.goto(app + "/")
    expect(page.locator("body")).to_be_visible()
    deadline = time.monotonic() + 60
    while not _page_state_keys(two_workers["redis"]):
        assert time.monotonic() < deadline, "no page state reached Redis"
        time.sleep(0.5)


def _page_state_keys(url: str) -> list[bytes]:
    """Reflex's keys in the module's Redis (ours, the shared rate limits, start with `esim:`)."""
    return [key for key in redis.Redis.from_url(url).scan_iter() if not key.startswith(b"esim:")]


def _open_socket(sockets: list[WebSocket]) -> WebSocket | None:
    live = [ws for ws in sockets if not ws.is_closed()]
    return live[-1] if live else None


def _kill_the_tabs_worker(page: Page, sockets: list[WebSocket], server_pid: int) -> int:
    """SIGKILL the web worker holding the tab's websocket: a worker whose death does not close it was a
    bystander (Granian respawns it), and the other one is killed next. Returns how many were killed."""
    socket = _open_socket(sockets)
    assert socket is not None, "the tab has no websocket"
    for killed, worker in enumerate(_granian_workers(server_pid), 1):
        worker.kill()
        for _ in range(50):
            page.wait_for_timeout(100)
            if socket.is_closed():
                return killed
        deadline = time.monotonic() + 30
        while len(_granian_workers(server_pid)) < 2:
            assert time.monotonic() < deadline, "Granian did not respawn the killed worker"
            time.sleep(0.2)
    raise AssertionError("the tab's websocket outlived both workers")


def _customer_orders(email: str) -> list[tuple[str, str]]:
    """(status, client reference) of each order of the customer with `email`."""
    with db.get_engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT o.status, o.client_reference FROM orders o "
                                    "JOIN users u ON u.id = o.user_id WHERE u.email = :email"), {"email": email})
        return [tuple(r) for r in rows]


def _provider_orders(simulators_url: str, client_reference: str) -> int:
    """Orders the simulated providers received for an order, all providers together (failover included)."""
    total = 0
    for provider_id in Settings(_env_file=None, esim_env="test").simulated_providers:
        answer = httpx.get(f"{simulators_url}/_sandbox/providers/{provider_id}/_sandbox/orders",
                           params={"client_reference": f"{client_reference}-{provider_id}"}, timeout=10)
        total += answer.json()["count"]
    return total


def _card_mounted_again(frames: list[str]) -> bool:
    """Whether these frames (one socket's) hold the on_load's request for the card form and, after it,
    the answer that the form is ready."""
    asked = next((i for i, frame in enumerate(frames) if "esimMountCard" in frame), None)
    return asked is not None and any('"card_ready_rx_state_":true' in frame for frame in frames[asked + 1:])


def test_the_purchase_completes_once_while_the_tabs_web_worker_is_killed(two_workers: dict[str, str],
                                                                         page: Page) -> None:
    app, server_pid = two_workers["url"], int(two_workers["pid"])
    sockets: list[WebSocket] = []
    received: dict[WebSocket, list[str]] = {}

    def opened(ws: WebSocket) -> None:
        if "/_event" in ws.url:
            sockets.append(ws)
            ws.on("framereceived", lambda frame: received.setdefault(ws, []).append(str(frame)))

    page.on("websocket", opened)
    page.goto(app + "/")
    page.get_by_test_id("destination-search").fill("jap")
    page.get_by_test_id("search-result").first.click()
    expect(page).to_have_url(re.compile(r"/destinations/japan$"))
    page.get_by_test_id("plan-card").first.get_by_role("link", name="Details").click()
    expect(page).to_have_url(re.compile(r"/plans/"))
    expect(page.get_by_test_id("buy-button")).to_have_count(1)
    page.get_by_test_id("buy-button").click()
    page.get_by_test_id("checkout-sign-in").click()
    email = f"workers-{uuid.uuid4().hex[:8]}@example.com"
    _sign_in(page, app, email)
    expect(page).to_have_url(re.compile(r"/checkout/"))
    # the customer types the card, then the worker serving the tab dies
    enter_card(page, CARD_OK)
    number = page.get_by_test_id("card-element").locator("input[placeholder=number]")
    typed_field = number.element_handle()
    before = _open_socket(sockets)
    assert _kill_the_tabs_worker(page, sockets, server_pid) in (1, 2)
    deadline = time.monotonic() + 30
    while (after := _open_socket(sockets)) in (None, before):
        assert time.monotonic() < deadline, "the tab did not reconnect"
        page.wait_for_timeout(100)
    # the tab reconnects to the other worker, which sends its state and re-runs the page's on_load
    # (which asks for the card form again): the form the customer typed into is still there
    deadline = time.monotonic() + 60
    while not _card_mounted_again(received.get(after, [])):
        assert time.monotonic() < deadline, "the reconnected tab's checkout did not load again"
        page.wait_for_timeout(100)
    assert page.evaluate("field => field.isConnected", typed_field)
    expect(number).to_have_value(CARD_OK)
    # and the customer pays without typing it again: the live order page
    page.get_by_test_id("pay-button").click()
    expect(page).to_have_url(re.compile(r"/orders/OID[2-9A-HJ-NP-Z]{12}"), timeout=30_000)
    expect(page.get_by_test_id("order-status")).to_have_text("completed", timeout=60_000)
    orders = _customer_orders(email)
    assert [status for status, _ in orders] == ["completed"]
    assert _provider_orders(two_workers["simulators"], orders[0][1]) == 1


def _job_holding_a_call(jobs: list[psutil.Process], port: int) -> psutil.Process | None:
    """The job worker with an open connection to the simulators (the one waiting for the held answer), or
    None while there is none or both have one: the other worker's calls (status checks, syncs) end in
    moments, the held one lasts a minute."""
    holding = [p for p in jobs if any(c.status == psutil.CONN_ESTABLISHED and c.raddr and c.raddr.port == port
                                      for c in p.net_connections("tcp"))]
    return holding[0] if len(holding) == 1 else None


def _order_status(order_id: int) -> str:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT status FROM orders WHERE id = :id"), {"id": order_id}).scalar_one()


def test_a_job_worker_killed_while_the_provider_holds_the_answer(two_workers: dict[str, str]) -> None:
    sims = two_workers["simulators"]
    jobs = [psutil.Process(int(pid)) for pid in two_workers["jobs"].split(",")]
    customer = new_customer()
    # eSIM Go will take the next order, then hold its answer back for a minute
    httpx.post(f"{sims}/_sandbox/providers/esim_go/_sandbox/faults", timeout=10,
               json={"hang_next": 1, "hang_seconds": 60, "hang_phase": "after", "paths": ["POST /"]})
    order_id = paid_order(customer, best_offer("esim_go", with_alternatives=False))
    with db.get_engine().begin() as conn:  # paid 31 s ago and taken by no web worker: the jobs' to fulfil
        conn.execute(sa.text("UPDATE orders SET updated_at = now() - interval '31 seconds' WHERE id = :id"),
                     {"id": order_id})
    deadline, holder = time.monotonic() + 60, None
    while holder is None:
        assert time.monotonic() < deadline, "no job worker took the paid order"
        time.sleep(0.1)
        if _order_status(order_id) == "provisioning":
            holder = _job_holding_a_call(jobs, int(sims.rsplit(":", 1)[1]))
    holder.kill()
    killed_at = time.monotonic()
    while _order_status(order_id) != "completed":
        assert time.monotonic() - killed_at < DELIVERY_DEADLINE, f"order still {_order_status(order_id)}"
        time.sleep(0.5)
    delivered = time.monotonic() - killed_at
    with db.get_engine().connect() as conn:
        reference, email = conn.execute(sa.text("SELECT o.client_reference, u.email FROM orders o JOIN users u "
                                                "ON u.id = o.user_id WHERE o.id = :id"), {"id": order_id}).one()
        esims = conn.execute(sa.text("SELECT count(*) FROM esims WHERE order_id = :id"), {"id": order_id}).scalar()
        mails = conn.execute(sa.text("SELECT count(*) FROM email_outbox WHERE to_address = :to "
                                     "AND template = 'order_completed'"), {"to": email}).scalar()
    assert (esims, mails) == (1, 1)
    assert _provider_orders(sims, reference) == 1
    print(f"job worker killed while eSIM Go held the answer: eSIM delivered {delivered:.1f} s later")
