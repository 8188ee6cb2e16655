"""`esim serve --workers 2`: two Granian workers with page state in Redis and one simulators process
that both use (the app mounts none of its own), built and served for real.

Slow (its own production build, on top of the session's): a few minutes."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest
import redis
from playwright.sync_api import Page, expect

from services.core.settings import Settings
from services.sandbox import localstripe as localstripe_server
from services.sandbox import simulators
from services.sandbox import tooling as sandbox
from tests.support.server import ROOT, free_port, stop_group, wait_until_healthy

ESIM = str(pathlib.Path(sys.executable).with_name("esim"))
REDIS_URL = "redis://127.0.0.1:6379/13"
ARTIFACTS = ROOT / "test-artifacts"


def _start(args: list[str], env: dict[str, str], log: pathlib.Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen([ESIM, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


@pytest.fixture(scope="module")
def two_workers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    port, stripe_port, sims_port = free_port(), free_port(), free_port()
    data_dir = str(tmp_path_factory.mktemp("workers-data"))
    settings = Settings(_env_file=None, esim_env="test", app_port=port)
    env = {**os.environ, "DATABASE_URL": database_url, "ESIM_ENV": "test", "SCHEDULER": "off", "APP_PORT": str(port),
           "DATA_DIR": data_dir, "REDIS_URL": REDIS_URL, "SIMULATORS_URL": simulators.base_url(sims_port),
           "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "0", "REFLEX_USE_SYSTEM_BUN": "1",
           **sandbox.stripe_env(settings, port=stripe_port)}
    ARTIFACTS.mkdir(exist_ok=True)
    sims = _start(["simulators", "--port", str(sims_port)], env, ARTIFACTS / "workers-simulators.log")
    web = _start(["serve", "--workers", "2"], env, ARTIFACTS / "workers-app.log")
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", web, ARTIFACTS / "workers-app.log", 900)
        yield {"url": f"http://127.0.0.1:{port}", "simulators": env["SIMULATORS_URL"], "pid": str(web.pid),
               "data_dir": data_dir}
    finally:
        stop_group(web, 30)
        stop_group(sims, 30)
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
    while not _page_state_keys():
        assert time.monotonic() < deadline, "no page state reached Redis"
        time.sleep(0.5)


def _page_state_keys() -> list[bytes]:
    """Reflex's keys in the test's Redis database (ours, the shared rate limits, start with `esim:`)."""
    return [key for key in redis.Redis.from_url(REDIS_URL).scan_iter() if not key.startswith(b"esim:")]
