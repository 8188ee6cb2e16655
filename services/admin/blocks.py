"""Week and month blocks over the daily rollups, so a year reads ~25 blocks and a few days, not 365 days.

Only *completed* blocks exist (a week or month that ended before today, UTC): today's orders never
touch one, so the refresh a dashboard load runs stays small. `refresh_blocks` drops the blocks of
any day rebuilt (or whose buyers' previous days moved) and builds every completed block missing.
`cover` splits a range into built blocks and the days left over; readers sum both.

`analytics_buyer_weeks` counts a completed week's buyer rows by the number of weeks back to each
buyer's previous day (`gap`, -1 for a first purchase). A buyer row counts for a range [a, b] when
its previous day is before a; for a week inside the range that is every gap reaching before a's
week, plus, for the gap landing on a's own week, the rows whose previous day is before a (counted
exactly from `analytics_buyer_days`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session

GRAINS = ("week", "month")
_SUMS = "orders, topups, revenue_cents, enterprise_cents, cost_micros, refunds, refunds_cents"
_SUMMED = ", ".join(f"COALESCE(sum(d.{c}), 0)" for c in _SUMS.split(", "))

_BUILD = f"""
INSERT INTO analytics_blocks (dim, grain, start, key, label, {_SUMS})
SELECT d.dim, :grain, b.start, d.key, max(d.label), {_SUMMED}
FROM unnest(CAST(:starts AS date[]), CAST(:ends AS date[])) AS b(start, stop)
JOIN analytics_daily d ON d.dim IN ('provider', 'destination', 'plan') AND d.day BETWEEN b.start AND b.stop
GROUP BY d.dim, b.start, d.key
UNION ALL
SELECT 'total', :grain, b.start, '', '', {_SUMMED}
FROM unnest(CAST(:starts AS date[]), CAST(:ends AS date[])) AS b(start, stop)
LEFT JOIN analytics_daily d ON d.dim = 'total' AND d.day BETWEEN b.start AND b.stop
GROUP BY b.start
"""

_BUILD_BUYERS = """
INSERT INTO analytics_buyer_weeks (week, gap, buyers)
SELECT w.week, CASE WHEN x.prev_day IS NULL THEN -1
                    ELSE (w.week - (x.prev_day - EXTRACT(ISODOW FROM x.prev_day)::int + 1)) / 7 END, count(*)
FROM unnest(CAST(:starts AS date[])) AS w(week)
JOIN analytics_buyer_days x ON x.day BETWEEN w.week AND w.week + 6
GROUP BY 1, 2
"""


def block_start(grain: str, day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if grain == "week" else day.replace(day=1)


def block_end(grain: str, start: dt.date) -> dt.date:
    if grain == "week":
        return start + dt.timedelta(days=6)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _weeks(a: dt.date, b: dt.date, built: set[tuple[str, dt.date]], spans: list, days: list) -> None:
    cursor = a
    while cursor <= b:
        if cursor.weekday() == 0 and cursor + dt.timedelta(days=6) <= b and ("week", cursor) in built:
            spans.append(("week", cursor))
            cursor += dt.timedelta(days=7)
        else:
            days.append(cursor)
            cursor += dt.timedelta(days=1)


def cover(a: dt.date, b: dt.date, built: set[tuple[str, dt.date]],
          grains: tuple[str, ...] = GRAINS) -> tuple[list[tuple[str, dt.date]], list[dt.date]]:
    """[a, b] as built blocks of `grains` and the days left over: the built months inside it, and the
    built weeks inside the stretches between them."""
    spans: list[tuple[str, dt.date]] = []
    days: list[dt.date] = []
    uncovered, month = a, a if a.day == 1 else block_end("month", a) + dt.timedelta(days=1)
    while "month" in grains and block_end("month", month) <= b:
        following = block_end("month", month) + dt.timedelta(days=1)
        if ("month", month) in built:
            _weeks(uncovered, month - dt.timedelta(days=1), built, spans, days)
            spans.append(("month", month))
            uncovered = following
        month = following
    _weeks(uncovered, b, built, spans, days)
    return spans, days


_STATE = """SELECT grain, start FROM analytics_blocks WHERE dim = 'total'
UNION ALL SELECT 'first', min(day) FROM analytics_daily WHERE dim = 'total'"""


def _completed(first: dt.date, today: dt.date, grain: str) -> Iterable[dt.date]:
    start = block_start(grain, first)
    while block_end(grain, start) < today:
        yield start
        start = block_end(grain, start) + dt.timedelta(days=1)


def _drop(s: Session, stale: set[tuple[str, dt.date]]) -> None:
    for grain in GRAINS:
        starts = sorted(start for g, start in stale if g == grain)
        if starts:
            s.execute(sa.text("DELETE FROM analytics_blocks WHERE dim IN ('total', 'provider', 'destination', 'plan') "
                              "AND grain = :g AND start = ANY(CAST(:starts AS date[]))"), {"g": grain, "starts": starts})
            if grain == "week":
                s.execute(sa.text("DELETE FROM analytics_buyer_weeks WHERE week = ANY(CAST(:starts AS date[]))"),
                          {"starts": starts})


def refresh_blocks(s: Session, changed: set[dt.date], today: dt.date) -> set[tuple[str, dt.date]]:
    """Drop the blocks holding a `changed` day, then build every completed block that does not exist; every
    completed block there is now. A day of a block not yet completed (today's week and month) drops nothing."""
    stale = {(grain, block_start(grain, day)) for day in changed for grain in GRAINS}
    _drop(s, {(grain, start) for grain, start in stale if block_end(grain, start) < today})
    rows = s.execute(sa.text(_STATE)).all()  # the blocks there are and the first day, in one statement
    built = {(grain, start) for grain, start in rows if grain != "first"}
    first = next(start for grain, start in rows if grain == "first")
    if first is None:
        return built
    for grain in GRAINS:
        starts = [start for start in _completed(first, today, grain) if (grain, start) not in built]
        if starts:
            params = {"grain": grain, "starts": starts, "ends": [block_end(grain, start) for start in starts]}
            s.execute(sa.text(_BUILD), params)
            if grain == "week":
                s.execute(sa.text(_BUILD_BUYERS), params)
            built.update((grain, start) for start in starts)
    return built
