"""Sandbox pages and routes answer only this machine, and only while the sandbox is in use.

Wraps the whole backend (pages, our routes, Reflex's): a request under `/sandbox/` (pages) or
`/_sandbox/` (simulator knobs) gets 404 unless it comes from a loopback address without proxy
headers (a request relayed by a proxy is someone else's), and the part it targets is simulated.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from services.core.provider_runtime import SANDBOX_PREFIX
from services.core.settings import Settings, get_settings, is_loopback

PAGE_PREFIX = "/sandbox"
ROUTE_PREFIX = "/_sandbox"
_PROXY_HEADERS = (b"forwarded", b"x-forwarded-for", b"x-real-ip")


def _in_use(path: str, settings: Settings) -> bool:
    if path.startswith(SANDBOX_PREFIX + "/"):
        provider_id = path.removeprefix(SANDBOX_PREFIX + "/").split("/", 1)[0]
        return provider_id in settings.simulated_providers
    if path.startswith(ROUTE_PREFIX):
        return False  # nothing else is served under /_sandbox
    return settings.sandbox_inbox


def _is_sandbox_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in (PAGE_PREFIX, ROUTE_PREFIX))


def allowed(scope: Scope, settings: Settings) -> bool:
    """Whether this request may reach a sandbox page or route."""
    client = scope.get("client")
    if not client or not is_loopback(client[0]):
        return False
    if any(name in _PROXY_HEADERS for name, _ in scope.get("headers", ())):
        return False
    return _in_use(scope["path"], settings)


class SandboxGuard:
    """ASGI middleware: 404 for sandbox paths unless `allowed`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and _is_sandbox_path(scope["path"]) \
                and not allowed(scope, get_settings()):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)
