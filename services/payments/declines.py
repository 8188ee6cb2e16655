"""The daily cap on declined cards: at most `CARD_DECLINES_PER_DAY` per customer in any 24 hours.

Each charge is bracketed by a `card_attempts` row: inserted `pending` before Stripe is asked (under a
per-customer advisory lock, after counting), then marked `declined` or deleted. Pending rows count
too, so parallel attempts from several tabs or workers cannot slip past the cap, and a process that
died mid-charge errs on the side of the cap. The count lives in PostgreSQL, shared by every worker.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import select

from services.core import db
from services.core.models import CardChargeAttempt, Order
from services.core.settings import get_settings
from services.payments.errors import TooManyDeclines

WINDOW = dt.timedelta(hours=24)
COUNTED = ("pending", "declined")


def begin_attempt(order_id: int) -> int | None:
    """Record a card attempt for the order's customer; `TooManyDeclines` (with `retry_at`) when capped.

    None when the order has no customer (nothing to count).
    """
    limit = get_settings().card_declines_per_day
    with db.session() as s, s.begin():
        user_id = s.exec(select(Order.user_id).where(Order.id == order_id)).one()
        if user_id is None:
            return None
        s.execute(sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"card:{user_id}"})
        now = s.execute(sa.select(sa.func.now())).scalar_one()
        counted = s.exec(
            select(CardChargeAttempt.created_at)
            .where(CardChargeAttempt.user_id == user_id, CardChargeAttempt.outcome.in_(COUNTED),
                   CardChargeAttempt.created_at > now - WINDOW)
            .order_by(CardChargeAttempt.created_at.desc())  # type: ignore[union-attr]
            .offset(limit - 1).limit(1)
        ).first()
        if counted is not None:  # the limit-th newest counted attempt: the cap lifts when it is a day old
            retry_at = counted + WINDOW
            raise TooManyDeclines(f"user {user_id}: {limit} declined cards within 24 h",
                                  retry_at=f"{retry_at.astimezone(dt.UTC):%d %b %Y, %H:%M} UTC")
        attempt = CardChargeAttempt(user_id=user_id, order_id=order_id, created_at=now)
        s.add(attempt)
        s.flush()
        return attempt.id  # type: ignore[return-value]


def declined(attempt_id: int | None, *, reason: str) -> None:
    """The card was declined: the attempt counts towards the cap for 24 hours."""
    if attempt_id is None:
        return
    with db.session() as s, s.begin():
        s.execute(sa.update(CardChargeAttempt).where(CardChargeAttempt.id == attempt_id)
                  .values(outcome="declined", reason=reason[:64]))


def forget(attempt_id: int | None) -> None:
    """The attempt was not a decline (paid, 3-D Secure next, or Stripe unreachable): it does not count."""
    if attempt_id is None:
        return
    with db.session() as s, s.begin():
        s.execute(sa.delete(CardChargeAttempt).where(CardChargeAttempt.id == attempt_id, CardChargeAttempt.outcome == "pending"))
