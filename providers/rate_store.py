"""Provider rate limits shared by every process, in Redis: reserve a time slot, then wait for it.

A provider's documented limit is per account, not per process: with several web workers and job
workers, per-process limiters would together spend a multiple of it. `SharedRates` keeps, per
(provider account, bucket), the last `max_rate` reserved send times in one Redis list. A Lua
script reads Redis's own clock (one clock for every process) and gives the caller the first slot
at least `period` after the `max_rate`-th latest one, atomically; the caller sleeps until that
moment (hosts' clocks are NTP-synchronised; on one host they are the same clock): however many processes ask, no window of `period` seconds holds more than `max_rate` slots,
while a burst of up to `max_rate` calls still goes at once, as the documentation allows. (pyrate-limiter's Redis bucket was tried first: its
blocking mode admitted 9 calls in 50 ms against a limit of 8/s across three processes, because a
waiter retries with the timestamp it took before waiting.)

It fails open to the caller's local limiter: when Redis cannot be reached the call is limited by
this process alone (logged), rather than orders stopping because a shared counter is down.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time

import redis.asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Slots are kept this much further apart than the documented window, so a call whose process woke
# up a little late cannot end up closer than the window to the calls after it.
SAFETY = 1.05

RESERVE = """
local limit, period = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local slot = now
local last = tonumber(redis.call('LINDEX', KEYS[1], -1) or now)
if last > slot then slot = last end
if redis.call('LLEN', KEYS[1]) >= limit then
  local window_start = tonumber(redis.call('LINDEX', KEYS[1], -limit)) + period
  if window_start > slot then slot = window_start end
end
redis.call('RPUSH', KEYS[1], string.format('%d', slot))
redis.call('LTRIM', KEYS[1], -limit, -1)
redis.call('PEXPIRE', KEYS[1], math.ceil((slot - now + period) / 1000) + 1000)
return slot
"""


class SharedRates:
    """Slots in Redis for one provider account; `acquire` waits for one, or answers False if Redis failed."""

    def __init__(self, redis_url: str, *, provider: str, account: str) -> None:
        self._redis = aioredis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        self._reserve = self._redis.register_script(RESERVE)
        scope = hashlib.sha256(account.encode()).hexdigest()[:12]
        self._prefix = f"esim:rate:{provider}:{scope}"

    async def acquire(self, bucket: str, max_rate: float, period: float) -> bool:
        """Reserve the next slot of `bucket` (at most `max_rate` per `period` seconds) and wait for it."""
        try:
            slot_us = await self._reserve(keys=[f"{self._prefix}:{bucket}"],
                                          args=[max(1, int(max_rate)), round(period * SAFETY * 1_000_000)])
        except (RedisError, OSError):
            logger.warning("shared rate limit for %s unavailable; limiting in this process only", self._prefix)
            return False
        wait = int(slot_us) / 1_000_000 - time.time()  # to the slot itself, however late the answer came
        if wait > 0:
            await asyncio.sleep(wait)
        return True

    async def aclose(self) -> None:
        await self._redis.aclose()
