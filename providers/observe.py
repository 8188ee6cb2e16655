"""Every provider operation, timed and classified, handed to an observer (the `provider_calls` table).

`Provider` subclasses get their operations wrapped once, when the class is defined (see
`Provider.__init_subclass__`), so no client and no caller can forget it. One call record per
operation (`create_order`, `list_packages`, ...): its start, latency and outcome. The HTTP wrapper
adds what only it sees through `note_response` (the last status, 429 answers retried within the
operation, a timeout). An operation that another one runs inside (eSIM Go's `create_order` polls
`get_order`) is counted in the outer one only.

Outcomes: `ok`; `rate_limited` (ended on a 429); `timeout` (ended on a timeout, or an order POST
whose outcome is unknown); `error` (anything else). A failing observer never fails the call.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)

OK, ERROR, RATE_LIMITED, TIMEOUT = "ok", "error", "rate_limited", "timeout"
OUTCOMES = (OK, ERROR, RATE_LIMITED, TIMEOUT)
# Operations whose first positional argument names what the call is about (kept as `subject`,
# so an order's timeline can find its provider attempts).
_SUBJECT_ARG = {"create_order": "client_reference", "find_order": 0, "get_order": 0, "cancel_order": 0,
                "create_topup": "client_reference", "get_esim": 0, "list_topups": 0}


@dataclass(frozen=True, slots=True)
class CallRecord:
    provider_id: str
    operation: str
    started_at: dt.datetime
    latency_ms: int
    outcome: str
    http_status: int | None = None
    error_code: str | None = None
    rate_limit_hits: int = 0  # 429 answers during the call (retried ones included)
    subject: str | None = None  # our order reference, the provider's order id or an ICCID


Observer = Callable[[list[CallRecord]], None]  # stores a batch of records; synchronous, run in a worker thread


@dataclass
class _Stats:
    last_status: int | None = None
    rate_limit_hits: int = 0
    timed_out: bool = False


_current: contextvars.ContextVar[_Stats | None] = contextvars.ContextVar("provider_call", default=None)


def note_response(status: int | None, *, timed_out: bool = False) -> None:
    """Called by the HTTP wrapper for every attempt of the current operation (a no-op outside one)."""
    stats = _current.get()
    if stats is None:
        return
    stats.timed_out = timed_out
    if status is not None:
        stats.last_status = status
        stats.rate_limit_hits += status == 429


def classify(error: BaseException | None, stats: _Stats) -> tuple[str, int | None, str | None]:
    """(outcome, http status, error code) of a finished operation."""
    from providers.base import OutcomeUnknown, ProviderError, RateLimited

    if error is None:
        return OK, stats.last_status, None
    if isinstance(error, ProviderError):
        status = error.http_status or stats.last_status
        code = error.code or type(error).__name__
        if isinstance(error, RateLimited):
            return RATE_LIMITED, status or 429, code
        if isinstance(error, OutcomeUnknown) or stats.timed_out or isinstance(error, TimeoutError):
            return TIMEOUT, status, code
        return ERROR, status, code
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return TIMEOUT, stats.last_status, type(error).__name__
    return ERROR, stats.last_status, type(error).__name__


def _subject(operation: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    where = _SUBJECT_ARG.get(operation)
    value = args[where] if isinstance(where, int) and len(args) > where else kwargs.get(str(where))
    return None if value is None else str(value)[:120]


T = TypeVar("T")


def observed(operation: str, method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """`method` (an async method of a `Provider`) recorded through the instance's call observer."""

    @functools.wraps(method)
    async def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        if _current.get() is not None:  # inside another operation: counted there
            return await method(self, *args, **kwargs)
        stats = _Stats()
        token = _current.set(stats)
        started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
        error: BaseException | None = None
        try:
            return await method(self, *args, **kwargs)
        except BaseException as exc:
            error = exc
            raise
        finally:
            _current.reset(token)
            observer = getattr(self, "call_observer", None)
            if observer is not None and not isinstance(error, asyncio.CancelledError | GeneratorExit):
                outcome, status, code = classify(error, stats)
                record = CallRecord(self.id, operation, started, round((time.perf_counter() - clock) * 1000),
                                    outcome, status, code, stats.rate_limit_hits, _subject(operation, args, kwargs))
                await _deliver(observer, record)

    wrapper.__observed__ = True  # type: ignore[attr-defined]
    return wrapper


class _Batch:
    """Records waiting for one observer in one event loop, and the futures of the operations waiting on them."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []
        self.waiters: list[asyncio.Future[None]] = []


_queued: dict[tuple[asyncio.AbstractEventLoop, Observer], _Batch] = {}
_writing: set[tuple[asyncio.AbstractEventLoop, Observer]] = set()


async def _deliver(observer: Observer, record: CallRecord) -> None:
    """Hand `record` to `observer` and wait until it is stored. The records of operations that end while
    another batch is being stored go together, in one call (one INSERT) once it is done: a job worker with
    100 orders in flight spent a thread hand-off and a database round trip on each operation."""
    loop = asyncio.get_running_loop()
    key = (loop, observer)
    batch = _queued.setdefault(key, _Batch())
    waiter = loop.create_future()
    batch.records.append(record)
    batch.waiters.append(waiter)
    if key not in _writing:
        _writing.add(key)
        loop.create_task(_write(key))
    try:
        await waiter
    except Exception:  # recording must never break the call it records
        log.warning("could not record the %s %s call", record.provider_id, record.operation, exc_info=True)


async def _write(key: tuple[asyncio.AbstractEventLoop, Observer]) -> None:
    """Store the queued batches of one observer one after another, until none is left."""
    try:
        while (batch := _queued.pop(key, None)) is not None:
            try:
                await asyncio.to_thread(key[1], batch.records)
            except Exception as exc:
                for waiter in batch.waiters:
                    if not waiter.done():
                        waiter.set_exception(exc)
            else:
                for waiter in batch.waiters:
                    if not waiter.done():
                        waiter.set_result(None)
    finally:
        _writing.discard(key)
        if (left := _queued.pop(key, None)) is not None:  # cancelled (its loop is closing): nobody will store them
            for waiter in left.waiters:
                waiter.cancel()
