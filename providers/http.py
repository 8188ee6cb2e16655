"""The one HTTP wrapper every provider client uses.

It owns the pooled `httpx.AsyncClient`, client-side rate limiting (`aiolimiter` in this process, or
shared by every process through Redis: `providers.rate_store`), the retry policy
and the translation of transport failures into `providers.base` errors. Each provider passes its
own `error_for(response)` function, which holds that provider's error table.

Retry rules (PROVIDER_APIS.md, cross-provider rules):

- a request marked `idempotent` (reads, and orders carrying an idempotency key) is retried on
  connection errors, timeouts, 5xx, 429 and any error the provider table marks retryable;
- any other request (an order POST without an idempotency key) is retried only when it provably
  never reached the server (connect errors, pool timeouts) or was refused with 429. Once it may have
  been sent, a timeout, dropped connection or 5xx raises `OutcomeUnknown`.

Every attempt is cut off `timeout` seconds after it starts sending, whatever httpx's per-phase
timeouts allow (connect, write and each read are timed apart, so a slow drip of bytes never trips
them): a caller's lease on the work behind a request can then outlast the request.

A non-idempotent request (its repetition would buy twice) first runs the guard the caller set with
`guard_unkeyed_sends`, after the rate limiter let it go and before each attempt; a guard answering
False stops the request unsent (`SendRefused`). The order services use it to renew their lease on the
order, so a worker whose lease another worker took while it waited never places the order.

Nothing here logs headers or bodies: they carry credentials and activation codes.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from aiolimiter import AsyncLimiter

from providers.base import OutcomeUnknown, ProviderError, RateLimited, SendRefused, TransientProviderError
from providers.observe import note_response
from providers.pool import ShardedTransport, environment_proxy
from providers.rate_store import SharedRates

logger = logging.getLogger(__name__)

ErrorMapper = Callable[[httpx.Response], ProviderError | None]

MAX_CONNECTIONS = 100
# An idle connection is let go a little before the common 5 s server default (uvicorn's, Apache's): one the
# server is closing as we reuse it fails the request, and an order POST that failed so has an unknown outcome.
KEEPALIVE_SECONDS = 4.0

# Failures that prove the request never left this process.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

SendGuard = Callable[[], Awaitable[bool]]
_send_guard: contextvars.ContextVar[SendGuard | None] = contextvars.ContextVar("send_guard", default=None)


@contextlib.contextmanager
def guard_unkeyed_sends(guard: SendGuard) -> Iterator[None]:
    """In this block (this task and the tasks it starts), every attempt of a non-idempotent request
    awaits `guard()` right before it is sent, and is refused unsent when it answers False."""
    token = _send_guard.set(guard)
    try:
        yield
    finally:
        _send_guard.reset(token)


@dataclass(frozen=True, slots=True)
class Rate:
    """`max_rate` requests per `period` seconds."""

    max_rate: float
    period: float = 1.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter; `Retry-After` above `max_retry_after` is not waited."""

    attempts: int = 3
    base_delay: float = 0.2
    max_delay: float = 5.0
    max_retry_after: float = 5.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


DEFAULT_RETRY = RetryPolicy()


class RateLimits:
    """Client-side token buckets: one `default` bucket for every call plus named buckets.

    A bucket name `family:key` (e.g. `usage:8944...`) gets its own limiter at the rate of `family`,
    which models per-ICCID limits. With `shared`, the account-wide buckets (not the per-key ones)
    are counted across every process; should Redis fail, this process's limiter takes over.
    """

    def __init__(self, rates: Mapping[str, Rate], shared: SharedRates | None = None) -> None:
        self._rates = dict(rates)
        self._shared = shared
        self._limiters: dict[str, AsyncLimiter] = {}

    def _limiter(self, bucket: str) -> AsyncLimiter | None:
        limiter = self._limiters.get(bucket)
        if limiter is None:
            rate = self._rates.get(bucket) or self._rates.get(bucket.split(":", 1)[0])
            if rate is None:
                return None
            limiter = self._limiters[bucket] = AsyncLimiter(rate.max_rate, rate.period)
        return limiter

    async def acquire(self, bucket: str | None) -> None:
        for name in ("default", bucket) if bucket else ("default",):
            rate = self._rates.get(name)
            if self._shared is not None and rate is not None and await self._shared.acquire(
                    name, rate.max_rate, rate.period):
                continue
            limiter = self._limiter(name)
            if limiter is not None:
                await limiter.acquire()


def retry_after_seconds(response: httpx.Response) -> float | None:
    """`Retry-After` as seconds; accepts delta-seconds (int or decimal) and HTTP dates."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def default_error_for(provider: str, response: httpx.Response) -> ProviderError | None:
    """Status-only classification shared by all providers: 429 and 5xx."""
    status = response.status_code
    if status == 429:
        return RateLimited(
            "rate limited", provider=provider, http_status=status, retry_after=retry_after_seconds(response)
        )
    if status >= 500:
        return TransientProviderError(
            f"server error {status}",
            provider=provider,
            http_status=status,
            retry_after=retry_after_seconds(response),
        )
    return None


class ProviderHTTP:
    """Pooled, rate-limited, retrying HTTP access to one provider."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        timeout: float,
        rates: Mapping[str, Rate],
        error_for: ErrorMapper,
        retry: RetryPolicy = DEFAULT_RETRY,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
        shared_rates_url: str = "",
    ) -> None:
        self.provider = provider
        self._error_for = error_for
        self._retry = retry
        self._shared = (SharedRates(shared_rates_url, provider=provider, account=base_url)
                        if shared_rates_url else None)
        self._limits = RateLimits(rates, self._shared)
        self._rng = rng or random.Random()
        self._deadline = timeout
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            # a call waits for a free connection at most half its deadline, so that wait ends as a
            # PoolTimeout (nothing sent: retried) before the attempt's deadline calls its outcome unknown
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0), pool=timeout / 2),
            # as many connections as a job worker has orders in flight: a call queued for a connection
            # past the timeout failed the order (PoolTimeout) though nothing had been sent
            transport=transport or ShardedTransport(max_connections=MAX_CONNECTIONS,
                                                    keepalive_expiry=KEEPALIVE_SECONDS,
                                                    proxy=environment_proxy(base_url)),
            headers={"Accept": "application/json", **(headers or {})},
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        bucket: str | None = None,
        sign: Callable[[httpx.Request], None] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one logical request and return a 2xx response whose body the provider maps next.

        `sign` runs on every attempt (fresh timestamps and request ids). Raises a `ProviderError`,
        or `SendRefused` when the caller's send guard refused a non-idempotent attempt.
        """
        retry = self._retry
        attempt = 0
        while True:
            await self._limits.acquire(bucket)
            guard = None if idempotent else _send_guard.get()
            if guard is not None and not await guard():
                raise SendRefused(f"{method} {path}: refused by the caller's guard before sending")
            request = self._client.build_request(method, path, **kwargs)
            if sign is not None:
                sign(request)
            outcome = await self._send(request, idempotent=idempotent)
            if isinstance(outcome, httpx.Response):
                return outcome
            error = outcome
            if not error.retryable or attempt + 1 >= retry.attempts:
                raise error
            delay = retry.backoff(attempt, self._rng)
            if error.retry_after is not None:
                if error.retry_after > retry.max_retry_after:
                    raise error
                delay = max(delay, error.retry_after)
            attempt += 1
            logger.info(
                "%s %s %s: %s; retry %d in %.2f s", self.provider, method, path, error, attempt, delay
            )
            await asyncio.sleep(delay)

    async def _send(self, request: httpx.Request, *, idempotent: bool) -> httpx.Response | ProviderError:
        """One attempt: the 2xx response, or the error to retry or raise. A non-idempotent request
        that may have been processed raises `OutcomeUnknown` at once."""
        method, path = request.method, request.url.path
        started = time.monotonic()
        try:
            async with asyncio.timeout(self._deadline):
                response = await self._client.send(request)
        except TimeoutError:  # the whole attempt overran: it may have been sent, and processed
            note_response(None, timed_out=True)
            if not idempotent:
                raise OutcomeUnknown(f"{method} {path}: no answer within {self._deadline:g} s",
                                     provider=self.provider) from None
            return TransientProviderError("no answer in time", provider=self.provider)
        except _NOT_SENT as exc:
            note_response(None, timed_out=isinstance(exc, httpx.TimeoutException))
            return TransientProviderError(f"connection failed: {type(exc).__name__}", provider=self.provider)
        except httpx.TransportError as exc:  # sent, or possibly sent
            note_response(None, timed_out=isinstance(exc, httpx.TimeoutException))
            if not idempotent:
                raise OutcomeUnknown(
                    f"{method} {path}: no answer ({type(exc).__name__})", provider=self.provider
                ) from exc
            return TransientProviderError(f"transport error: {type(exc).__name__}", provider=self.provider)
        logger.debug("%s %s %s -> %s in %.0f ms", self.provider, method, path, response.status_code,
                     (time.monotonic() - started) * 1000)
        note_response(response.status_code)
        found = self._error_for(response)
        if found is None:
            return response
        if not idempotent and response.status_code >= 500:
            raise OutcomeUnknown(f"{method} {path}: server error {response.status_code} after sending",
                                 provider=self.provider, http_status=response.status_code)
        return found

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._shared is not None:
            await self._shared.aclose()
