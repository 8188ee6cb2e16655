"""Run simulators in-process on free localhost ports (uvicorn in daemon threads).

with run_simulators() as sandbox:            # every provider's
    registry = build_registry(settings, sandbox_urls=sandbox.urls)
    sandbox.sim("esim_go").faults.fail_next = 1
    assert sandbox.orders_received("airalo", "ord_1") == 1
"""

from __future__ import annotations

import contextlib
import importlib
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette

from providers.sandbox.base import ProviderSimulator
from providers.sandbox.catalogue import DEFAULT_SEED
from providers.specs import PROVIDER_IDS, SPECS

# Provider id -> `create_app(scale=, seed=)` of its simulator (the module named in its spec).
APP_FACTORIES: dict[str, Callable[..., Starlette]] = {
    spec.id: importlib.import_module(spec.simulator_module).create_app for spec in SPECS
}
START_TIMEOUT = 10.0


@dataclass
class Sandbox:
    """Base URLs and apps of running simulators, by provider id."""

    urls: dict[str, str] = field(default_factory=dict)
    apps: dict[str, Starlette] = field(default_factory=dict)

    def sim(self, provider: str) -> ProviderSimulator:
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
    # idle connections are kept 60 s, as the load balancers in front of providers' APIs do, not uvicorn's 5 s:
    # on a loaded machine a client reused a connection the server was closing, and an order POST so lost
    # has an unknown outcome (a bench run waited 30 s for its reconciliation)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1,
                            timeout_keep_alive=60)
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
    providers: Iterable[str] = PROVIDER_IDS,
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
