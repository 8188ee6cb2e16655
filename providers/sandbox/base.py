"""The skeleton every provider simulator is built on.

A simulator subclasses `ProviderSimulator` and supplies only its provider's parts: `api_prefix`,
`authorise` (its auth check), `error` (its error envelope), `routes` (its paths and wire shapes) and
`usage_alerts` (the callbacks it sends). The base adds the rest the same way for all: fault knobs and
their 5xx / 429 answers, order counting, the `/_sandbox/*` admin and webhook endpoints. The webhook
target knob accepts only loopback URLs, or exactly `webhook_targets` when set (the app sets its own
webhook route), so no knob makes the server post to an arbitrary address.

    class MySimulator(ProviderSimulator):
        api_prefix = "/v1"
        def routes(self): return [self.route("/orders", create_order, methods=["POST"])]
    app = MySimulator(...).app()      # the simulator is `app.state.sim`
"""

from __future__ import annotations

import abc
import ipaddress
import random
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from providers.sandbox.clock import Clock
from providers.sandbox.faults import (
    ADMIN_PREFIX,
    FaultMiddleware,
    Faults,
    admin_routes,
    retry_after_header,
    take,
)
from providers.sandbox.webhooks import WebhookSender, webhook_routes

Handler = Callable[[Any, Request], Awaitable[Response]]  # (the simulator, the request) -> answer


class SimulatorError(Exception):
    """An error answer; the simulator renders it in its provider's envelope (`ProviderSimulator.error`)."""

    def __init__(self, status: int, message: str, *, code: str | int | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.field = status, message, code, field


async def request_fields(request: Request) -> dict[str, Any]:
    """A JSON object, urlencoded or multipart body as a dict; `SimulatorError` 400 for broken JSON."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            raise SimulatorError(400, "Invalid JSON body") from None
        return body if isinstance(body, dict) else {}
    form = await request.form()
    return {key: form.get(key) for key in form}


def page_of(items: list[Any], page: int, size: int) -> tuple[list[Any], int]:
    """The items of 1-based `page` of `size`, and how many pages there are (at least one)."""
    return items[(page - 1) * size : page * size], max(1, -(-len(items) // size))


def _from_request(request: Request) -> ProviderSimulator:
    return request.app.state.sim


def _is_loopback_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return False


def _guard_webhook_target(route: Route) -> Route:
    """The `/_sandbox/webhooks` knob, refusing (400) a target URL the simulator must not call."""
    if route.path != f"{ADMIN_PREFIX}/webhooks":
        return route
    inner = route.endpoint

    async def endpoint(request: Request) -> Response:
        if request.method == "POST":
            try:
                values = await request.json()  # cached on the request for `inner`
            except ValueError:
                return JSONResponse({"error": "invalid JSON"}, status_code=400)
            if not isinstance(values, dict):
                return JSONResponse({"error": "expected a JSON object"}, status_code=400)
            if "url" in values and not _from_request(request).accepts_webhook_target(str(values["url"])):
                return JSONResponse({"error": "webhook target not allowed"}, status_code=400)
        return await inner(request)

    return Route(route.path, endpoint, methods=["GET", "POST"])


class ProviderSimulator(abc.ABC):
    """State and behaviour shared by the simulators (clock, faults, orders received per client
    reference, webhooks); subclasses add their provider's wire format."""

    api_prefix: ClassVar[str]
    server_error_answer: ClassVar[SimulatorError] = SimulatorError(500, "Server Error")
    rate_limited_answer: ClassVar[SimulatorError] = SimulatorError(429, "Too Many Attempts.")

    def __init__(self, *, webhooks: WebhookSender, clock: Clock | None = None, seed: int = 0) -> None:
        self.clock = clock or Clock()
        self.faults = Faults()
        self.webhooks = webhooks
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._orders: Counter[str] = Counter()
        self.requests_served = 0  # API requests (not `/_sandbox`), each a token of the provider's rate limit
        self.webhook_targets: frozenset[str] | None = None  # None: any loopback URL

    def accepts_webhook_target(self, url: str) -> bool:
        """Whether the webhook knob may point the simulator at `url` (empty: send nothing)."""
        if not url:
            return True
        if self.webhook_targets is not None:
            return url in self.webhook_targets
        return _is_loopback_url(url)

    def record_order(self, client_reference: str) -> None:
        with self._lock:
            self._orders[client_reference] += 1

    def orders_received(self, client_reference: str) -> int:
        """How many provider orders (or top-ups) were created for this client reference."""
        with self._lock:
            return self._orders[client_reference]

    def draw(self, method: str, path: str) -> tuple[str | None, float]:
        """Count this API request and decide its fault: (`"5xx"` | `"429"` | `"hang"` | None, latency)."""
        faults = self.faults
        with self._lock:
            self.requests_served += 1
        if not faults.matches(method, path):
            return None, 0.0
        with self._lock:
            if faults.pass_next > 0:
                faults.pass_next -= 1
                return None, faults.latency
            for name, kind in (("hang_next", "hang"), ("rate_limit_next", "429"), ("fail_next", "5xx")):
                fire, left = take(getattr(faults, name))
                setattr(faults, name, left)
                if fire:
                    return kind, faults.latency
            if faults.error_rate and self._rng.random() < faults.error_rate:
                return "5xx", faults.latency
        return None, faults.latency

    @abc.abstractmethod
    def routes(self) -> list[Route]:
        """The provider's API, built with `route`."""

    @abc.abstractmethod
    def error(self, exc: SimulatorError) -> Response:
        """`exc` in the provider's error envelope."""

    @abc.abstractmethod
    async def authorise(self, request: Request) -> None:
        """Raise `SimulatorError` unless the request carries valid credentials."""

    @abc.abstractmethod
    def usage_alerts(self) -> list[dict[str, Any]]:
        """Callbacks for thresholds newly crossed (each once, see `WebhookSender.first_time`)."""

    def extra_headers(self, request: Request) -> dict[str, str]:
        """Headers added to every authorised answer (rate-limit counters, for example)."""
        return {}

    async def emit_usage_alerts(self) -> int:
        """Send the due usage callbacks; how many were answered."""
        return await self.webhooks.send_all(self.usage_alerts())

    def server_error(self) -> Response:
        return self.error(self.server_error_answer)

    def rate_limited(self, retry_after: float) -> Response:
        response = self.error(self.rate_limited_answer)
        response.headers.update(retry_after_header(retry_after))
        return response

    def route(self, path: str, handler: Handler, *, methods: Sequence[str] = ("GET",),
              public: bool = False) -> Route:
        """`handler` under `api_prefix`, behind `authorise` unless `public`; errors in the envelope."""

        async def endpoint(request: Request) -> Response:
            try:
                if not public:
                    await self.authorise(request)
                response = await handler(self, request)
            except SimulatorError as exc:
                return self.error(exc)
            response.headers.update(self.extra_headers(request))
            return response

        return Route(self.api_prefix + path, endpoint, methods=list(methods))

    def app(self) -> Starlette:
        """This simulator as an ASGI app (`app.state.sim` is the simulator)."""
        app = Starlette(
            routes=[*self.routes(), *admin_routes(_from_request),
                    *map(_guard_webhook_target, webhook_routes(_from_request))],
            middleware=[Middleware(FaultMiddleware, sim=lambda: self)],
        )
        app.state.sim = self
        return app
