"""Run the real production build (`reflex run --env prod`) in a subprocess for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[2]
START_TIMEOUT = 300  # seconds; the first build installs front-end packages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base_url: str, proc: subprocess.Popen, log: pathlib.Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/api/health", timeout=2).status_code == 200:
                if httpx.get(base_url + "/", timeout=5).status_code == 200:
                    return
        time.sleep(0.5)
    raise TimeoutError(f"app not healthy after {timeout}s:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def production_app(env: dict[str, str], log_path: pathlib.Path, *, port: int | None = None) -> Iterator[str]:
    """Build and serve the app (on a free port by default); yield its base URL; stop it afterwards."""
    port = port or free_port()
    full_env = {**os.environ, **env, "APP_PORT": str(port), "REFLEX_TELEMETRY_ENABLED": "false",
                "REFLEX_CHECK_LATEST_VERSION": "0", "REFLEX_USE_SYSTEM_BUN": "1"}
    full_env.setdefault("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    reflex = pathlib.Path(sys.executable).with_name("reflex")
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(reflex), "run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)],
            cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, proc, log_path, START_TIMEOUT)
        yield base_url
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM a child started with `start_new_session=True` and everything it started; SIGKILL after `timeout`."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A private `redis-server` on a free port (nothing persisted), so runs do not share one; yields its URL."""
    import redis

    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(redis.RedisError):
                if redis.Redis.from_url(url).ping():
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {port} did not start")
            time.sleep(0.1)
        yield url
    finally:
        stop_group(proc)
