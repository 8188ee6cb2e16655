"""Fault injection and the `/_sandbox/*` admin endpoints shared by the simulators.

Knobs live on `app.state.sim.faults` (a `Faults`); tests in the same process change attributes
directly, other processes use `GET/POST/DELETE /_sandbox/faults`. Counters (`*_next`) apply to the
next N matching requests; a negative count means every matching request.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from providers.sandbox.base import ProviderSimulator as Simulator

ADMIN_PREFIX = "/_sandbox"


@dataclass
class Faults:
    latency: float = 0.0  # seconds added to every matching request
    pass_next: int = 0  # the next N matching requests go through untouched before the counters below
    error_rate: float = 0.0  # probability of a 5xx (seeded, so runs repeat)
    fail_next: int = 0  # next N requests answer 5xx
    rate_limit_next: int = 0  # next N requests answer 429
    retry_after: float = 1.0  # Retry-After sent with those 429s
    hang_next: int = 0  # next N requests hang for `hang_seconds`
    hang_seconds: float = 30.0
    hang_phase: str = "after"  # "after": the request is processed, then the answer is held back;
    # "before": held, never processed; "drip": processed, then the answer sent a byte at a time over
    # `hang_seconds` (each gap far below any read timeout: only an overall deadline cuts it off)
    failing_package_ids: set[str] = field(default_factory=set)  # ordering these reports out of stock
    paths: tuple[str, ...] = ()  # "METHOD /prefix" or "/prefix" filters; empty = every request

    def matches(self, method: str, path: str) -> bool:
        if not self.paths:
            return True
        for rule in self.paths:
            want_method, _, prefix = rule.rpartition(" ")
            if path.startswith(prefix) and (not want_method or want_method.upper() == method):
                return True
        return False

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["failing_package_ids"] = sorted(self.failing_package_ids)
        data["paths"] = list(self.paths)
        return data

    def update(self, values: dict[str, Any]) -> None:
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown fault knobs: {', '.join(sorted(unknown))}")
        for name, value in values.items():
            if name == "failing_package_ids":
                value = set(value)
            elif name == "paths":
                value = tuple(value)
            setattr(self, name, value)


def take(count: int) -> tuple[bool, int]:
    """Whether a `*_next` counter fires now, and its new value."""
    if count < 0:
        return True, count
    if count > 0:
        return True, count - 1
    return False, 0


def retry_after_header(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(int(seconds)) if float(seconds).is_integer() else str(seconds)}


class FaultMiddleware:
    """ASGI middleware applying `sim.faults` to every non-admin request."""

    def __init__(self, app: ASGIApp, *, sim: Callable[[], Simulator]) -> None:
        self.app, self._sim = app, sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        sim = self._sim()
        kind, latency = sim.draw(scope["method"], scope["path"])
        if latency:
            await asyncio.sleep(latency)
        if kind == "5xx":
            await sim.server_error()(scope, receive, send)
        elif kind == "429":
            await sim.rate_limited(sim.faults.retry_after)(scope, receive, send)
        elif kind == "hang" and sim.faults.hang_phase == "before":
            await asyncio.sleep(sim.faults.hang_seconds)  # never processed
            await JSONResponse({"message": "Gateway Timeout"}, status_code=504)(scope, receive, send)
        elif kind == "hang" and sim.faults.hang_phase == "drip":
            await self.app(scope, receive, _dripped(send, sim.faults.hang_seconds))
        elif kind == "hang":
            await self.app(scope, receive, _held_back(send, sim.faults.hang_seconds))
        else:
            await self.app(scope, receive, send)


def _held_back(send: Send, seconds: float) -> Send:
    async def delayed(message: Message) -> None:
        if message["type"] == "http.response.start":
            await asyncio.sleep(seconds)
        await send(message)

    return delayed


def _dripped(send: Send, seconds: float) -> Send:
    async def dripping(message: Message) -> None:
        body = message.get("body", b"")
        if message["type"] != "http.response.body" or len(body) < 2:
            await send(message)
            return
        gap = seconds / len(body)
        for i in range(len(body)):
            last = i + 1 == len(body)
            await send({"type": "http.response.body", "body": body[i:i + 1],
                        "more_body": message.get("more_body", False) if last else True})
            if not last:
                await asyncio.sleep(gap)

    return dripping


def admin_routes(sim: Callable[[Request], Simulator]) -> list[Route]:
    """`/_sandbox/faults` (GET, POST partial update, DELETE reset), `/_sandbox/orders`, `/_sandbox/requests`
    (API requests served), `/_sandbox/clock`."""

    async def faults(request: Request) -> Response:
        state = sim(request)
        if request.method == "POST":
            try:
                state.faults.update(await request.json())
            except (ValueError, TypeError) as exc:
                return JSONResponse({"message": str(exc)}, status_code=400)
        elif request.method == "DELETE":
            state.faults = Faults()
        return JSONResponse(state.faults.to_json())

    async def orders(request: Request) -> Response:
        ref = request.query_params.get("client_reference", "")
        return JSONResponse({"client_reference": ref, "count": sim(request).orders_received(ref)})

    async def requests(request: Request) -> Response:
        return JSONResponse({"count": sim(request).requests_served})

    async def clock(request: Request) -> Response:
        state = sim(request)
        if request.method == "POST":
            state.clock.advance(float((await request.json()).get("advance_seconds", 0)))
        return JSONResponse({"now": state.clock.now().isoformat()})

    return [
        Route(f"{ADMIN_PREFIX}/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route(f"{ADMIN_PREFIX}/orders", orders, methods=["GET"]),
        Route(f"{ADMIN_PREFIX}/requests", requests, methods=["GET"]),
        Route(f"{ADMIN_PREFIX}/clock", clock, methods=["GET", "POST"]),
    ]
