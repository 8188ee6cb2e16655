"""bench/load.py's simulated browsers: one speaks Reflex's websocket protocol, one the bare endpoints.

A Reflex browser does what the compiled frontend does (reflex_base/.templates/web/utils/state.js):
a socket.io connection on `/_event` (namespace and path) carrying its tab token in the query and the
page's `hydrate_and_load` event in the CONNECT packet (with the hashes of the state defaults the frontend
was compiled with, so the backend sends only what differs); then `event` messages naming a state's
handler, with the page's router data; a client-side navigation sends `on_load_internal` for the
new route. The server answers with `event` messages holding state deltas. An event counts as done
when the delta it exists for arrives: `is_hydrated` true after a page load, the search results,
the filtered plans. Every journey is a new visitor (new token, new connection):
open `/`, search "jap", open Japan, filter "3 GB or more", open the first plan.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import socketio

ROOT = "reflex___state____state"
NAMESPACE = "/_event"
ON_LOAD = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
SEARCH = f"{ROOT}.esim_app___state___search____destination_search_state"
PLAN_LIST = f"{ROOT}.esim_app___state___catalog____plan_list_state"
PLAN_DETAIL = f"{ROOT}.esim_app___state___catalog____plan_detail_state"
EVENT_TIMEOUT = 15.0  # seconds; an event not done by then is an error
COUNTRY, QUERY, DATA_FILTER = "japan", "jap", "3"


@dataclass
class Figures:
    """What a run measured: event latencies (seconds) and failures, by kind."""

    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def ok(self, kind: str, seconds: float) -> None:
        self.latencies.append(seconds)
        self.by_kind.setdefault(kind, []).append(seconds)

    def fail(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class JourneyError(Exception):
    """A step went wrong (timeout, refused connection, an unexpected answer); the journey ends."""


def initial_state_hashes() -> list[str]:
    """The `hashes` a compiled frontend sends on its first connect, computed from the app's states the
    way Reflex's compiler does; imports the app (its settings come from the environment)."""
    import esim_app.esim_app  # noqa: F401  (defines every state)
    from reflex.state import State, _resolve_delta, state_snapshot_hashes

    return state_snapshot_hashes(asyncio.run(_resolve_delta(State(_reflex_internal_init=True).dict(initial=True))))


def _think(seconds: float) -> Any:
    return asyncio.sleep(random.uniform(0.5, 1.5) * seconds) if seconds else asyncio.sleep(0)


def _route(path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"pathname": path, "asPath": path}
    if query:
        data["query"] = query
    return data


def _hydrated(update: dict[str, Any]) -> bool:
    return update.get("delta", {}).get(ROOT, {}).get("is_hydrated_rx_state_") is True


def _has(substate: str, var: str) -> Callable[[dict[str, Any]], bool]:
    return lambda update: f"{var}_rx_state_" in update.get("delta", {}).get(substate, {})


class ReflexBrowser:
    """One browser tab on the Reflex app: a socket.io client and the state it was sent."""

    def __init__(self, url: str, figures: Figures, hashes: list[str]) -> None:
        self.url, self.figures, self.hashes = url, figures, hashes
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.state: dict[str, dict[str, Any]] = {}
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._received, namespace=NAMESPACE)

    async def _received(self, update: dict[str, Any]) -> None:
        for substate, delta in (update.get("delta") or {}).items():
            self.state.setdefault(substate, {}).update(delta)
        self.updates.put_nowait(update)

    def var(self, substate: str, name: str) -> Any:
        return self.state.get(substate, {}).get(f"{name}_rx_state_")

    async def _until(self, kind: str, started: float, done: Callable[[dict[str, Any]], bool]) -> None:
        deadline = started + EVENT_TIMEOUT
        while True:
            try:
                update = await asyncio.wait_for(self.updates.get(), max(0.0, deadline - time.perf_counter()))
            except TimeoutError:
                raise JourneyError(f"{kind}: timeout") from None
            if done(update):
                self.figures.ok(kind, time.perf_counter() - started)
                return

    async def open(self, path: str) -> None:
        """A first page load: connect with the hydrate event in the CONNECT packet."""
        boot = {"name": f"{ROOT}.hydrate_and_load", "payload": {"hashes": self.hashes}, "router_data": _route(path)}
        started = time.perf_counter()
        try:
            await self.sio.connect(f"{self.url}?token={uuid.uuid4()}", socketio_path=NAMESPACE,
                                   transports=["websocket"], namespaces=[NAMESPACE], auth={"event": boot},
                                   headers={"Origin": self.url}, wait_timeout=EVENT_TIMEOUT)
        except (socketio.exceptions.ConnectionError, OSError) as exc:
            raise JourneyError(f"connect: {type(exc).__name__}") from None
        await self._until("hydrate", started, _hydrated)

    async def send(self, kind: str, name: str, payload: dict[str, Any], route: dict[str, Any],
                   done: Callable[[dict[str, Any]], bool]) -> None:
        while not self.updates.empty():
            self.updates.get_nowait()
        started = time.perf_counter()
        await self.sio.emit("event", {"name": name, "payload": payload, "router_data": route}, namespace=NAMESPACE)
        await self._until(kind, started, done)

    async def navigate(self, path: str, params: dict[str, str]) -> None:
        """A client-side navigation: the frontend sends `on_load_internal` for the new route."""
        await self.send("navigate", ON_LOAD, {}, _route(path, params), _hydrated)

    async def close(self) -> None:
        await self.sio.disconnect()


async def reflex_journey(url: str, figures: Figures, think: float, hashes: list[str]) -> None:
    """One visitor: landing, search, destination, filter, plan."""
    browser = ReflexBrowser(url, figures, hashes)
    try:
        await browser.open("/")
        await _think(think)
        await browser.send("search", f"{SEARCH}.set_query", {"value": QUERY}, _route("/"), _has(SEARCH, "results"))
        hrefs = [r["href"] for r in browser.var(SEARCH, "results") or []]
        if f"/destinations/{COUNTRY}" not in hrefs:
            raise JourneyError("search: no Japan")
        await _think(think)
        await browser.navigate(f"/destinations/{COUNTRY}", {"country_slug": COUNTRY})
        await _think(think)
        page = _route(f"/destinations/{COUNTRY}", {"country_slug": COUNTRY})
        await browser.send("filter", f"{PLAN_LIST}.set_data_filter", {"value": DATA_FILTER}, page,
                           _has(PLAN_LIST, "plans"))
        plans = browser.var(PLAN_LIST, "plans") or []
        if not plans:
            raise JourneyError("filter: no plans")
        await _think(think)
        await browser.navigate(f"/plans/{plans[0]['slug']}", {"plan_ref": plans[0]["slug"]})
        if browser.var(PLAN_DETAIL, "found") is not True:
            raise JourneyError("plan: not found")
    finally:
        await browser.close()


async def bare_journey(url: str, figures: Figures, think: float) -> None:
    """The same visitor against the bare endpoints, over one keep-alive HTTP connection."""
    async with httpx.AsyncClient(base_url=url, timeout=EVENT_TIMEOUT) as http:
        async def get(kind: str, path: str, params: dict[str, str] | None = None) -> Any:
            started = time.perf_counter()
            try:
                answer = await http.get(path, params=params)
            except httpx.HTTPError as exc:
                raise JourneyError(f"{kind}: {type(exc).__name__}") from None
            if answer.status_code != 200:
                raise JourneyError(f"{kind}: HTTP {answer.status_code}")
            body = answer.json()
            figures.ok(kind, time.perf_counter() - started)
            return body

        await get("hydrate", "/")
        await _think(think)
        await get("search", "/search", {"q": QUERY})
        await _think(think)
        await get("navigate", f"/destinations/{COUNTRY}")
        await _think(think)
        plans = (await get("filter", f"/destinations/{COUNTRY}", {"data": DATA_FILTER}))[1]["offers"]
        if not plans:
            raise JourneyError("filter: no plans")
        await _think(think)
        await get("navigate", f"/plans/{plans[0]['slug']}")


async def run_sessions(journey: Callable[..., Any], url: str, *, sessions: int, seconds: float,
                       think: float, ramp: float) -> Figures:
    """`sessions` browsers, each running journeys back to back for `seconds` (starts spread over `ramp`)."""
    figures = Figures()
    stop_at = time.perf_counter() + ramp + seconds

    async def browser(index: int) -> None:
        await asyncio.sleep(ramp * index / sessions)
        while time.perf_counter() < stop_at:
            try:
                await journey(url, figures, think)
            except JourneyError as exc:
                figures.fail(str(exc))
                await asyncio.sleep(think)
            except Exception as exc:  # noqa: BLE001  (a bench counts what breaks, and goes on)
                figures.fail(f"{type(exc).__name__}: {exc}"[:80])
                await asyncio.sleep(think)

    await asyncio.gather(*(browser(i) for i in range(sessions)))
    return figures
