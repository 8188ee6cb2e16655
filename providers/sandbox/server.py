"""Run simulators in-process on free localhost ports (uvicorn in daemon threads).

with run_simulators() as sandbox:            # all three
    registry = build_registry(settings, sandbox_urls=sandbox.urls)
    sandbox.sim("esim_go").faults.fail_next = 1
    assert sandbox.orders_received("airalo", "ord_1") == 1
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette

from providers.sandbox import airalo, esim_access, esim_go
from providers.sandbox.catalogue import DEFAULT_SEED, PROVIDERS
from providers.sandbox.faults import Simulator

APP_FACTORIES: dict[str, Callable[..., Starlette]] = {
    "airalo": airalo.create_app,
    "esim_access": esim_access.create_app,
    "esim_go": esim_go.create_app,
}
START_TIMEOUT = 10.0


@dataclass
class Sandbox:
    """Base URLs and apps of running simulators, by provider id."""

    urls: dict[str, str] = field(default_factory=dict)
    apps: dict[str, Starlette] = field(default_factory=dict)

    def sim(self, provider: str) -> Simulator:
        return self.apps[provider].state.sim

    def orders_received(self, provider: str, client_reference: str) -> int:
        return self.sim(provider).orders_received(client_reference)


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


@contextlib.contextmanager
def serve(app: Starlette, *, port: int = 0) -> Iterator[str]:
    """Serve one ASGI app on 127.0.0.1 (a free port unless given) for the block; yields its base URL."""
    sock = _bind(port)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="sandbox-server"
    )
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("simulator did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


@contextlib.contextmanager
def run_simulators(
    providers: Iterable[str] = PROVIDERS,
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    apps: Mapping[str, Starlette] | None = None,
) -> Iterator[Sandbox]:
    """Start simulators (new apps, or the `apps` given) and yield a `Sandbox` with their URLs."""
    sandbox = Sandbox()
    with contextlib.ExitStack() as stack:
        for provider in providers:
            app = (apps or {}).get(provider) or APP_FACTORIES[provider](scale=scale, seed=seed)
            sandbox.apps[provider] = app
            sandbox.urls[provider] = stack.enter_context(serve(app))
        yield sandbox
