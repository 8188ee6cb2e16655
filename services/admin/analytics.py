"""The admin home's figures: a range of UTC days compared with the one of equal length before it.

Money figures come from the daily rollups (`services.admin.rollup`, refreshed first, which defines
every figure); the lists of orders needing attention and of provider incidents come from the live
tables. Owners and finance see everything; operations and support see only the two lists (they
land on `/admin` too, and have no business with revenue).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlmodel import Session

from services.admin import blocks, rollup
from services.core import db
from services.core.errors import ServiceError

BASE_CURRENCY = "USD"
PERIODS = {"today": 1, "7d": 7, "30d": 30, "12m": 365}
MAX_DAYS = 3 * 366  # a custom range of at most about three years
WEEKLY_AFTER_DAYS = 62  # longer ranges are charted by ISO week
MONEY_ROLES = frozenset({"owner", "finance"})
STUCK_AFTER = dt.timedelta(minutes=10)  # a paid order not delivered by then needs a look
LIST_LIMIT = 20
SPLIT_DIMS = ("provider", "destination", "plan")


class InvalidRange(ServiceError):
    code = "analytics_invalid_range"


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Totals:
    revenue_cents: int = 0
    refunds_cents: int = 0
    cost_micros: int = 0
    orders: int = 0
    topups: int = 0
    refunds: int = 0
    enterprise_cents: int = 0
    paying_customers: int = 0
    new_customers: int = 0

    @property
    def net_cents(self) -> int:
        return self.revenue_cents - self.refunds_cents

    @property
    def margin_cents(self) -> int:
        """Revenue less refunds less provider cost (the cost rounded half up to cents once, over the sum)."""
        return self.net_cents - _half_up(Decimal(self.cost_micros) / 10_000)

    @property
    def margin_percent(self) -> Decimal | None:
        """Margin as a share of revenue less refunds, one decimal; None without such revenue."""
        if self.net_cents <= 0:
            return None
        return (Decimal(self.margin_cents) * 100 / self.net_cents).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def average_order_cents(self) -> int:
        return _half_up(Decimal(self.revenue_cents) / self.orders) if self.orders else 0


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    start: dt.date  # the day, or the Monday of the week
    revenue_cents: int
    margin_cents: int
    orders: int


@dataclass(frozen=True, slots=True)
class SplitRow:
    key: str
    label: str
    orders: int
    revenue_cents: int
    refunds_cents: int
    margin_cents: int


@dataclass(frozen=True, slots=True)
class AttentionRow:
    order_ref: str
    why: str  # not_delivered, failed, refund_waiting
    status: str
    amount_cents: int
    currency: str
    since: dt.datetime


@dataclass(frozen=True, slots=True)
class IncidentRow:
    at: dt.datetime
    order_ref: str
    provider_id: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class Money:
    """The owner's and finance's part of the home."""

    current: Totals
    previous: Totals
    granularity: str  # day, week
    series: tuple[SeriesPoint, ...]
    splits: dict[str, tuple[SplitRow, ...]]  # provider, destination, plan: by revenue, largest first


@dataclass(frozen=True, slots=True)
class Dashboard:
    period: Period
    previous: Period
    currency: str
    money: Money | None  # None for roles that do not see money
    attention: tuple[AttentionRow, ...]
    incidents: tuple[IncidentRow, ...]


def _half_up(value: Decimal) -> int:
    return int(value.to_integral_value(ROUND_HALF_UP))


def _parse_day(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise InvalidRange(f"not a date: {text!r}") from None


def resolve_period(period: str, *, start: str | None = None, end: str | None = None,
                   today: dt.date | None = None) -> Period:
    """The days of a preset (`today`, `7d`, `30d`, `12m`, each ending today, UTC) or of `custom` from/to."""
    today = today or dt.datetime.now(dt.UTC).date()
    if period in PERIODS:
        return Period(today - dt.timedelta(days=PERIODS[period] - 1), today)
    if period != "custom":
        raise InvalidRange(f"unknown period {period!r}")
    chosen = Period(_parse_day(start), _parse_day(end))
    if chosen.end < chosen.start or chosen.days > MAX_DAYS:
        raise InvalidRange(f"range {chosen.start}..{chosen.end} is reversed or too long")
    return chosen


_COLUMNS = "key, label, orders, topups, revenue_cents, enterprise_cents, cost_micros, refunds, refunds_cents"
_ROWS = f"""(SELECT {_COLUMNS} FROM analytics_blocks
             WHERE dim = :dim AND grain = 'month' AND start = ANY(CAST(:months AS date[]))
             UNION ALL
             SELECT {_COLUMNS} FROM analytics_blocks
             WHERE dim = :dim AND grain = 'week' AND start = ANY(CAST(:weeks AS date[]))
             UNION ALL
             SELECT {_COLUMNS} FROM analytics_daily WHERE dim = :dim AND day = ANY(CAST(:days AS date[]))) AS x"""
_TOTALS = sa.text(f"""
SELECT COALESCE(sum(revenue_cents), 0), COALESCE(sum(refunds_cents), 0), COALESCE(sum(cost_micros), 0),
       COALESCE(sum(orders), 0), COALESCE(sum(topups), 0), COALESCE(sum(refunds), 0),
       COALESCE(sum(enterprise_cents), 0)
FROM {_ROWS}""")
_SPLIT = sa.text(f"""
SELECT key, max(label), sum(orders), sum(revenue_cents), sum(refunds_cents), sum(cost_micros) FROM {_ROWS}
GROUP BY key ORDER BY sum(revenue_cents) DESC, key LIMIT :limit""")
_IN_WEEKS = "(x.day - EXTRACT(ISODOW FROM x.day)::int + 1) = ANY(CAST(:weeks AS date[]))"
_BUYERS = sa.text(f"""
SELECT (SELECT COALESCE(sum(buyers), 0) FROM analytics_buyer_weeks
        WHERE week = ANY(CAST(:weeks AS date[])) AND (gap = -1 OR week - 7 * gap < :ma))
     + (SELECT count(*) FROM analytics_buyer_days x
        WHERE x.day = ANY(CAST(:days AS date[])) AND (x.prev_day IS NULL OR x.prev_day < :a))
     + (SELECT count(*) FROM analytics_buyer_days x WHERE x.prev_day >= :ma AND x.prev_day < :a AND {_IN_WEEKS}),
       (SELECT COALESCE(sum(buyers), 0) FROM analytics_buyer_weeks WHERE week = ANY(CAST(:weeks AS date[])) AND gap = -1)
     + (SELECT count(*) FROM analytics_buyer_days x WHERE x.day = ANY(CAST(:days AS date[])) AND x.prev_day IS NULL)""")


@dataclass(frozen=True, slots=True)
class _Spans:
    """A range as built week and month blocks plus loose days, and as built weeks plus loose days (for
    the buyer counts); see `services.admin.blocks`."""

    period: Period
    blocks: dict[str, object]
    buyers: dict[str, object]


def _spans(period: Period, built: set[tuple[str, dt.date]]) -> _Spans:
    spans, days = blocks.cover(period.start, period.end, built)
    weeks, loose = blocks.cover(period.start, period.end, built, grains=("week",))
    return _Spans(period, {"months": [start for g, start in spans if g == "month"],
                           "weeks": [start for g, start in spans if g == "week"], "days": days},
                  {"weeks": [w for _, w in weeks], "days": loose, "a": period.start,
                   "ma": blocks.block_start("week", period.start)})


def _totals(s: Session, spans: _Spans) -> Totals:
    money = s.execute(_TOTALS, {"dim": "total", **spans.blocks}).one()
    buyers = s.execute(_BUYERS, spans.buyers).one()
    return Totals(*(int(v) for v in money), paying_customers=int(buyers[0]), new_customers=int(buyers[1]))


def _margin(revenue: int, refunds: int, cost_micros: int) -> int:
    return Totals(revenue_cents=int(revenue), refunds_cents=int(refunds), cost_micros=int(cost_micros)).margin_cents


def _series(s: Session, period: Period) -> tuple[str, tuple[SeriesPoint, ...]]:
    unit = "day" if period.days <= WEEKLY_AFTER_DAYS else "week"
    rows = s.execute(sa.text(f"""
        SELECT date_trunc('{unit}', day)::date AS start, sum(revenue_cents), sum(refunds_cents), sum(cost_micros),
               sum(orders)
        FROM analytics_daily WHERE dim = 'total' AND day BETWEEN :a AND :b GROUP BY 1"""),
        {"a": period.start, "b": period.end}).all()
    found = {r[0]: r for r in rows}
    points, step = [], dt.timedelta(days=1 if unit == "day" else 7)
    cursor = period.start if unit == "day" else period.start - dt.timedelta(days=period.start.weekday())
    while cursor <= period.end:  # every day (week) of the range, zero when nothing sold
        r = found.get(cursor)
        points.append(SeriesPoint(cursor, int(r[1]), _margin(r[1], r[2], r[3]), int(r[4])) if r
                      else SeriesPoint(cursor, 0, 0, 0))
        cursor += step
    return unit, tuple(points)


def _split(s: Session, dim: str, spans: _Spans, limit: int | None) -> tuple[SplitRow, ...]:
    rows = s.execute(_SPLIT, {"dim": dim, "limit": limit, **spans.blocks}).all()
    return tuple(SplitRow(r[0], r[1] or r[0], int(r[2]), int(r[3]), int(r[4]), _margin(r[3], r[4], r[5]))
                 for r in rows)


_ATTENTION = sa.text("""
(SELECT o.display_id, 'not_delivered', o.status, o.price_cents, o.currency, o.created_at FROM orders o
 WHERE o.status IN ('paid', 'provisioning') AND o.created_at < :stuck ORDER BY o.created_at LIMIT :n)
UNION ALL
(SELECT o.display_id, 'failed', o.status, o.price_cents, o.currency, o.created_at FROM orders o
 WHERE o.status = 'failed' ORDER BY o.created_at DESC, o.id DESC LIMIT :n)
UNION ALL
(SELECT o.display_id, 'refund_waiting', o.status, o.price_cents, o.currency, r.created_at
 FROM refund_requests r JOIN orders o ON o.id = r.order_id
 WHERE r.status IN ('requested', 'provider_done', 'review') ORDER BY r.created_at LIMIT :n)""")

_INCIDENTS = sa.text("""
SELECT COALESCE(a.created_at, o.updated_at), o.display_id, COALESCE(o.provider_id, '-'),
       COALESCE(o.failure_reason, ''), COALESCE(a.details ->> 'detail', '')
FROM (SELECT * FROM orders WHERE status = 'failed' ORDER BY created_at DESC, id DESC LIMIT :n) o
LEFT JOIN LATERAL (SELECT created_at, details FROM audit_log
                   WHERE entity_type = 'order' AND entity_id = o.display_id AND action = 'order.failed'
                   ORDER BY id DESC LIMIT 1) a ON true
ORDER BY 1 DESC""")


def _attention(s: Session, now: dt.datetime) -> tuple[AttentionRow, ...]:
    rows = s.execute(_ATTENTION, {"stuck": now - STUCK_AFTER, "n": LIST_LIMIT}).all()
    return tuple(AttentionRow(r[0], r[1], r[2], int(r[3]), r[4], r[5]) for r in rows)


def _incidents(s: Session) -> tuple[IncidentRow, ...]:
    return tuple(IncidentRow(*r) for r in s.execute(_INCIDENTS, {"n": LIST_LIMIT}).all())


def refresh_rollups() -> int:
    """Bring the rollups up to date (what the dashboard does before reading); the days rebuilt."""
    with db.session() as s, s.begin():
        return rollup.refresh(s)


def money(period: Period, *, split_limit: int | None = 10) -> Money:
    """Figures of `period` and the one before it, series and splits (rollups refreshed first)."""
    refresh_rollups()
    with db.session() as s:
        rollup.no_jit(s)
        unit, series = _series(s, period)
        built = blocks.built_blocks(s, period.previous().start, period.end)  # one look-up for both ranges
        current, before = _spans(period, built), _spans(period.previous(), built)
        return Money(_totals(s, current), _totals(s, before), unit, series,
                     {dim: _split(s, dim, current, split_limit) for dim in SPLIT_DIMS})


def dashboard(period: Period, *, roles: tuple[str, ...], now: dt.datetime | None = None) -> Dashboard:
    """The home for a staff member holding `roles` (money only for owners and finance)."""
    figures = money(period) if MONEY_ROLES & set(roles) else None
    with db.session() as s:
        rollup.no_jit(s)
        return Dashboard(period, period.previous(), BASE_CURRENCY, figures,
                         _attention(s, now or dt.datetime.now(dt.UTC)), _incidents(s))
