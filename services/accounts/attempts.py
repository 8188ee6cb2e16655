"""Sign-in rate limits, counted over `LoginAttempt` rows so they hold across processes."""

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
    per: Literal["email", "ip"]
    limit: int
    failures_only: bool = False
    window: dt.timedelta = dt.timedelta(minutes=15)


CODE_REQUESTS_PER_EMAIL = RateLimit("code_request", "email", 5)
CODE_REQUESTS_PER_IP = RateLimit("code_request", "ip", 20)
CODE_FAILURES_PER_IP = RateLimit("code_check", "ip", 30, failures_only=True)
PASSWORD_FAILURES_PER_EMAIL = RateLimit("password", "email", 10, failures_only=True)
PASSWORD_FAILURES_PER_IP = RateLimit("password", "ip", 30, failures_only=True)


def enforce(s: Session, limits: tuple[RateLimit, ...], *, email: str, ip: str | None, now: dt.datetime) -> None:
    """Raise `RateLimited` when any limit is reached; retry after the oldest counted row ages out."""
    for limit in limits:
        key = email if limit.per == "email" else clip(ip, 64)
        if key is None:
            continue
        column = col(LoginAttempt.email) if limit.per == "email" else col(LoginAttempt.ip)
        query = (
            sa.select(sa.func.count(), sa.func.min(LoginAttempt.created_at))
            .where(col(LoginAttempt.kind) == limit.kind, column == key)
            .where(col(LoginAttempt.created_at) > now - limit.window)
        )
        if limit.failures_only:
            query = query.where(col(LoginAttempt.succeeded).is_(False))
        count, oldest = s.exec(query).one()
        if count >= limit.limit:
            log.warning("sign-in rate limit reached: %s per %s", limit.kind, limit.per)
            raise RateLimited(max(1, math.ceil((oldest + limit.window - now).total_seconds())))


def record_attempt(s: Session, kind: str, *, email: str, ip: str | None, succeeded: bool, now: dt.datetime) -> None:
    """Count one request, check or password try (in the caller's transaction)."""
    s.add(LoginAttempt(kind=kind, email=email, ip=clip(ip, 64), succeeded=succeeded, created_at=now))
