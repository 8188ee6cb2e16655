"""`esim simulators`: the sandbox provider simulators as one process of their own.

The web app normally serves them itself (`/_sandbox/providers/<id>`). With several web workers each
worker would hold its own simulated world (an order placed through one worker unknown to the next),
so they run here instead, at the same paths on a fixed port of this machine, and every web worker and
job process reaches them through `SIMULATORS_URL`. `esim serve --workers N` starts this process
itself when nothing answers on the port.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pathlib
import secrets
import subprocess
import sys
import time

import httpx
import uvicorn
from starlette.applications import Starlette

from providers.specs import spec_for
from services.core.provider_runtime import SANDBOX_PREFIX
from services.core.settings import Settings
from services.sandbox import simulator_routes
from services.sandbox.localstripe import terminate

PORT = 8421  # next to localstripe's 8420
HOST = "127.0.0.1"  # sandbox only: never reachable from another machine
START_TIMEOUT = 30.0

_started: list[subprocess.Popen[bytes]] = []


def problem(settings: Settings) -> str | None:
    """Why this process must not run with `settings` (one line), or None."""
    if settings.is_production:
        return "simulators are for the sandbox only (ESIM_ENV=production)"
    if not settings.simulated_providers:
        return "nothing to simulate: every enabled provider has credentials"
    return None


def shared_webhook_tokens(settings: Settings) -> dict[str, str]:
    """Environment giving every process the same path token for simulated providers whose callbacks need
    one and whose `<ID>_WEBHOOK_TOKEN` is unset: one process would otherwise generate its own, and the
    simulators' callbacks would be refused by the web workers. Kept in `DATA_DIR` (created once,
    owner-only), as the development encryption key."""
    env = {}
    for provider_id in settings.simulated_providers:
        spec = spec_for(provider_id)
        if spec.webhook_token and not getattr(settings, spec.webhook_token_setting):
            env[spec.webhook_token_setting.upper()] = _kept_token(settings.data_dir, provider_id)
    return env


def _kept_token(data_dir: str, provider_id: str) -> str:
    path = pathlib.Path(data_dir) / f"sandbox-webhook-{provider_id}.token"
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def build_app(settings: Settings) -> Starlette:
    """Every simulated provider under `/_sandbox/providers/<id>`, as the web app would mount them, calling
    back with the tokens every process shares (`shared_webhook_tokens`)."""
    tokens = {name.lower(): value for name, value in shared_webhook_tokens(settings).items()}
    return Starlette(routes=simulator_routes(settings.model_copy(update=tokens), own_process=True))


def serve(settings: Settings, port: int = PORT) -> None:
    """Serve the simulators on 127.0.0.1:`port` in the foreground until SIGINT/SIGTERM."""
    uvicorn.run(build_app(settings), host=HOST, port=port, lifespan="off", log_level="warning",
                timeout_graceful_shutdown=1)


def base_url(port: int = PORT) -> str:
    return f"http://{HOST}:{port}"


def answering(url: str, provider_id: str) -> bool:
    """Whether the simulators at `url` serve `provider_id` (its fault knob answers)."""
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(f"{url}{SANDBOX_PREFIX}/{provider_id}/_sandbox/faults", timeout=1).status_code == 200
    return False


def ensure_running(settings: Settings, port: int = PORT) -> str:
    """The simulators' base URL: those already answering on `port`, else `esim simulators` started
    now as a child (stopped when this process exits)."""
    url = base_url(port)
    first = settings.simulated_providers[0]
    if answering(url, first):
        return url
    esim = os.path.join(os.path.dirname(sys.executable), "esim")
    proc = subprocess.Popen([esim, "simulators", "--port", str(port)], stdout=subprocess.DEVNULL,
                            env={**os.environ, **shared_webhook_tokens(settings)})
    _started.append(proc)
    deadline = time.monotonic() + START_TIMEOUT
    while not answering(url, first):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_started()
            raise RuntimeError(f"the provider simulators did not start on {url}")
        time.sleep(0.2)
    return url


def stop_started() -> None:
    """Stop the simulators this process started (no-op if none)."""
    while _started:
        terminate(_started.pop())


atexit.register(stop_started)
