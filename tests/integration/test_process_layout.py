"""The several-process layout, run as an operator would run it: `esim serve --workers N` refuses
several workers without a Redis that answers (before migrating or building anything), and `esim
simulators` serves the sandbox providers as a process of its own that every other process shares."""

from __future__ import annotations

import asyncio
import os
import pathlib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from providers.registry import build_registry
from services import sandbox
from services.core.provider_runtime import sandbox_urls
from services.core.settings import Settings
from services.sandbox import simulators

ESIM = str(pathlib.Path(sys.executable).with_name("esim"))
FAULTS = "/_sandbox/providers/{}/_sandbox/faults"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**overrides: str) -> dict[str, str]:
    """This environment without anything that would reach a real service, plus `overrides`."""
    drop = {"REDIS_URL", "SIMULATORS_URL", "ESIM_ENV", "DATABASE_URL"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **overrides}


def _esim(*args: str, env: dict[str, str], cwd: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run([ESIM, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60)


def test_several_workers_without_redis_are_refused_before_anything_runs(tmp_path: pathlib.Path) -> None:
    # No DATABASE_URL: had the command gone on, it would have started an embedded database in DATA_DIR.
    result = _esim("serve", "--workers", "2", env=_env(DATA_DIR=str(tmp_path / "data")), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: --workers 2 needs REDIS_URL (every worker must reach each page's state in Redis); "
        "set it, or serve with --workers 1"]
    assert result.stdout == "" and not (tmp_path / "data").exists() and not (tmp_path / ".web").exists()


def test_several_workers_with_a_redis_that_does_not_answer_are_refused(tmp_path: pathlib.Path) -> None:
    env = _env(DATA_DIR=str(tmp_path / "data"), REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0")
    result = _esim("serve", "--workers", "3", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: --workers 3: REDIS_URL does not answer")
    assert not (tmp_path / "data").exists()


def test_simulators_refuse_production(tmp_path: pathlib.Path) -> None:
    result = _esim("simulators", env=_env(ESIM_ENV="production"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: simulators are for the sandbox only (ESIM_ENV=production)"


@pytest.fixture
def simulators_process(tmp_path: pathlib.Path) -> Iterator[str]:
    """`esim simulators` on a free port, as its own process; yields its origin."""
    port = _free_port()
    proc = subprocess.Popen([ESIM, "simulators", "--port", str(port)], env=_env(DATA_DIR=str(tmp_path / "data")),
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    origin = simulators.base_url(port)
    deadline = time.monotonic() + 60
    try:
        while not simulators.answering(origin, "airalo"):
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "esim simulators did not answer within 60 s"
            time.sleep(0.2)
        yield origin
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_simulators_answer_on_their_port_at_the_app_paths(simulators_process: str) -> None:
    for provider_id in ("airalo", "esim_access", "esim_go"):
        response = httpx.get(simulators_process + FAULTS.format(provider_id), timeout=5)
        assert response.status_code == 200 and response.json()["fail_next"] == 0


SECOND_CLIENT = """
import asyncio, json, sys
from providers.registry import build_registry
from services.core.provider_runtime import sandbox_urls
from services.core.settings import Settings
async def main():
    settings = Settings(_env_file=None, esim_env="development", simulators_url=sys.argv[1])
    registry = build_registry(settings, sandbox_urls=sandbox_urls(settings), record_calls=False)
    order = await registry.get("esim_go").find_order(sys.argv[2])
    print(json.dumps(None if order is None else order.provider_order_id))
    await registry.aclose()
asyncio.run(main())
"""


def test_two_processes_using_simulators_url_see_one_simulated_provider(simulators_process: str) -> None:
    """What several web workers and job processes do: an order placed by one process is found by another."""
    settings = Settings(_env_file=None, esim_env="development", simulators_url=simulators_process)
    assert sandbox.simulator_mounts(settings) == []  # the web app no longer serves its own
    reference = f"layout-{uuid.uuid4().hex[:10]}"

    async def place() -> str:
        registry = build_registry(settings, sandbox_urls=sandbox_urls(settings), record_calls=False)
        try:
            provider = registry.get("esim_go")
            package = (await provider.list_packages())[0]
            return (await provider.create_order(package.provider_package_id, quantity=1,
                                                client_reference=reference)).provider_order_id
        finally:
            await registry.aclose()

    placed = asyncio.run(place())
    other = subprocess.run([sys.executable, "-c", SECOND_CLIENT, simulators_process, reference],
                           capture_output=True, text=True, timeout=60, env=_env())
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() == f'"{placed}"'
    received = httpx.get(simulators_process + "/_sandbox/providers/esim_go/_sandbox/orders",
                         params={"client_reference": reference}, timeout=5).json()
    assert received["count"] == 1
