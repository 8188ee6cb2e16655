"""Sign-in rate limits, counted over `LoginAttempt` rows so they hold across processes.

None of them lets a stranger lock the owner out: sign-in emails are capped per requester and
address, so one requester uses a few of the address's emails, never all of them; failed code
checks on an address slow every further check down (doubling waits, at most a minute) instead
of refusing the owner's right code for long; so do failed enterprise passwords (staff, who also need
a second factor, keep a per-address cap).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlmodel import Session, col

from services.accounts.errors import RateLimited
from services.accounts.validation import clip
from services.core.models import LoginAttempt

log = logging.getLogger(__name__)

ATTEMPT_RETENTION = dt.timedelta(days=1)  # longer than any rate-limit window


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `limit` `LoginAttempt` rows of `kind` per email or per IP within `window`."""

    kind: Literal["code_request", "code_check", "password"]
    per: Literal["email", "ip", "email_ip"]
    limit: int
    failures_only: bool = False
    window: dt.timedelta = dt.timedelta(minutes=15)


HOUR = dt.timedelta(hours=1)
CODE_REQUESTS_PER_REQUESTER = RateLimit("code_request", "email_ip", 5, window=HOUR)  # one address, one IP
CODE_REQUESTS_PER_EMAIL = RateLimit("code_request", "email", 15, window=HOUR)  # >= 3 requesters to reach
CODE_REQUESTS_PER_IP = RateLimit("code_request", "ip", 20)
CODE_FAILURES_FREE = 10  # failed checks of one address per hour (two codes' worth) before each further one waits
CODE_BACKOFF_MAX = dt.timedelta(minutes=1)
CODE_FAILURES_PER_IP = RateLimit("code_check", "ip", 30, failures_only=True)
PASSWORD_FAILURES_PER_EMAIL = RateLimit("password", "email", 10, failures_only=True)  # staff
PASSWORD_FAILURES_FREE = 5  # enterprise: wrong passwords per address per hour before each further try waits
PASSWORD_BACKOFF_MAX = dt.timedelta(minutes=1)
PASSWORD_FAILURES_PER_IP = RateLimit("password", "ip", 30, failures_only=True)


def enforce(s: Session, limits: tuple[RateLimit, ...], *, email: str, ip: str | None, now: dt.datetime) -> None:
    """Raise `RateLimited` when any limit is reached; retry after the oldest counted row ages out."""
    for limit in limits:
        ip_key = clip(ip, 64)
        if limit.per != "email" and ip_key is None:
            continue
        query = (
            sa.select(sa.func.count(), sa.func.min(LoginAttempt.created_at))
            .where(col(LoginAttempt.kind) == limit.kind, col(LoginAttempt.created_at) > now - limit.window)
        )
        if limit.per in ("email", "email_ip"):
            query = query.where(col(LoginAttempt.email) == email)
        if limit.per in ("ip", "email_ip"):
            query = query.where(col(LoginAttempt.ip) == ip_key)
        if limit.failures_only:
            query = query.where(col(LoginAttempt.succeeded).is_(False))
        count, oldest = s.exec(query).one()
        if count >= limit.limit:
            log.warning("sign-in rate limit reached: %s per %s", limit.kind, limit.per)
            raise RateLimited(max(1, math.ceil((oldest + limit.window - now).total_seconds())))


def enforce_code_backoff(s: Session, *, email: str, now: dt.datetime) -> None:
    """After `CODE_FAILURES_FREE` failed checks of the address within an hour, each further check
    waits 2, 4, 8 ... seconds (at most `CODE_BACKOFF_MAX`) after the last failure: guessing slows to
    a crawl whoever guesses, while the owner with the right code waits a minute at worst."""
    enforce_backoff(s, "code_check", email=email, now=now, free=CODE_FAILURES_FREE, cap=CODE_BACKOFF_MAX)


def enforce_backoff(s: Session, kind: str, *, email: str, now: dt.datetime, free: int, cap: dt.timedelta,
                    error: type[RateLimited] = RateLimited) -> None:
    """Slow down, never lock out: after `free` failures of `kind` for the address within an hour, a
    further try must wait 2, 4, 8 ... seconds (at most `cap`) after the last failure, else `error`."""
    failures, last = s.exec(
        sa.select(sa.func.count(), sa.func.max(LoginAttempt.created_at))
        .where(col(LoginAttempt.kind) == kind, col(LoginAttempt.email) == email)
        .where(col(LoginAttempt.succeeded).is_(False), col(LoginAttempt.created_at) > now - HOUR)
    ).one()
    if failures < free:
        return
    wait = min(dt.timedelta(seconds=2 ** min(failures - free + 1, 16)), cap)
    if now < last + wait:
        log.warning("%s attempts backing off for an address after %d failures", kind, failures)
        raise error(max(1, math.ceil((last + wait - now).total_seconds())))


def record_attempt(s: Session, kind: str, *, email: str, ip: str | None, succeeded: bool, now: dt.datetime) -> None:
    """Count one request, check or password try (in the caller's transaction)."""
    s.add(LoginAttempt(kind=kind, email=email, ip=clip(ip, 64), succeeded=succeeded, created_at=now))
