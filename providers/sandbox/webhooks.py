"""Webhooks the simulators send, signed as each provider signs them (PROVIDER_APIS.md §1.9, §2.12, §3.10).

A simulator's `sim.webhooks` holds the target (`url`, empty = send nothing) and the signing key;
tests set them directly, other processes use `GET/POST /_sandbox/webhooks`. Usage alerts are sent
when `POST /_sandbox/webhooks/emit` (or `emit_usage_alerts`) finds a threshold newly crossed; each
(eSIM, threshold) fires once, as the providers do.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from providers.sandbox.faults import ADMIN_PREFIX

log = logging.getLogger(__name__)

DELIVERY_TIMEOUT = 10.0
Signer = Callable[["WebhookSender", bytes], dict[str, str]]


@dataclass
class Delivery:
    url: str
    payload: dict[str, Any]
    status: int | None  # None when the target did not answer


@dataclass
class WebhookSender:
    """Where a simulator posts its webhooks and how it signs them."""

    sign: Signer
    secret: str
    url: str = ""
    encoding: str = "hex"  # eSIM Go only: "hex" or "base64" (its docs disagree)
    escape_slashes: bool = False  # Airalo signs PHP-style JSON with `\/`
    deliveries: list[Delivery] = field(default_factory=list)
    fired: set[tuple[str, str]] = field(default_factory=set)
    _tasks: set[asyncio.Task] = field(default_factory=set)
    _client: httpx.AsyncClient | None = field(default=None, repr=False)
    _client_loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)

    def _http(self) -> httpx.AsyncClient:
        """One pooled client per event loop: a client per delivery costs a TLS context and a
        connection each, which made a burst of hundreds of callbacks outlast the caller's timeout."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client, self._client_loop = httpx.AsyncClient(timeout=DELIVERY_TIMEOUT), loop
        return self._client

    def encode(self, payload: dict[str, Any]) -> bytes:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        return (text.replace("/", "\\/") if self.escape_slashes else text).encode()

    async def send(self, payload: dict[str, Any], *, url: str | None = None) -> int | None:
        """POST one signed webhook; the target's status, or None when nothing answered (or no URL)."""
        target = url or self.url
        if not target:
            return None
        body = self.encode(payload)
        headers = {"Content-Type": "application/json", **self.sign(self, body)}
        try:
            status: int | None = (await self._http().post(target, content=body, headers=headers)).status_code
        except httpx.HTTPError as exc:
            log.info("sandbox webhook to %s failed: %s", target, type(exc).__name__)
            status = None
        self.deliveries.append(Delivery(target, payload, status))
        return status

    def send_later(self, delay: float, payload: dict[str, Any]) -> None:
        """Send from the running loop after `delay` seconds (an asynchronous completion)."""
        if not self.url:
            return

        async def later() -> None:
            await asyncio.sleep(delay)
            await self.send(payload)

        task = asyncio.get_running_loop().create_task(later())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def first_time(self, iccid: str, level: str) -> bool:
        """True once per (eSIM, level)."""
        if (iccid, level) in self.fired:
            return False
        self.fired.add((iccid, level))
        return True

    async def send_all(self, payloads: Iterable[dict[str, Any]], *, concurrency: int = 8) -> int:
        """Send each payload, a few at a time; how many were answered."""
        gate = asyncio.Semaphore(concurrency)

        async def one(payload: dict[str, Any]) -> bool:
            async with gate:
                return await self.send(payload) is not None

        return sum(await asyncio.gather(*(one(p) for p in payloads)))


def unsigned(sender: WebhookSender, body: bytes) -> dict[str, str]:
    return {}


def notify_id() -> str:
    return uuid.uuid4().hex


def webhook_routes(sim: Callable[[Request], Any]) -> list[Route]:
    """`/_sandbox/webhooks` (GET, POST {url, secret, encoding}) and `/_sandbox/webhooks/emit` (POST)."""

    async def config(request: Request) -> Response:
        sender: WebhookSender = sim(request).webhooks
        if request.method == "POST":
            values = await request.json()
            for name in ("url", "secret", "encoding"):
                if name in values:
                    setattr(sender, name, str(values[name]))
        return JSONResponse({"url": sender.url, "encoding": sender.encoding, "sent": len(sender.deliveries)})

    async def emit(request: Request) -> Response:
        return JSONResponse({"sent": await sim(request).emit_usage_alerts()})

    return [
        Route(f"{ADMIN_PREFIX}/webhooks", config, methods=["GET", "POST"]),
        Route(f"{ADMIN_PREFIX}/webhooks/emit", emit, methods=["POST"]),
    ]
