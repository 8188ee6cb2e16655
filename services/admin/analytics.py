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

from providers.specs import provider_name
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


_COLUMNS = "dim, key, label, orders, topups, revenue_cents, enterprise_cents, cost_micros, refunds, refunds_cents"
_DIMS = "'total', 'provider', 'destination', 'plan'"


def _rows(p: str, dims: str) -> str:
    """The rollup rows of a range's months, weeks and loose days (parameters `:{p}months` ...)."""
    return f"""SELECT {_COLUMNS} FROM analytics_blocks
             WHERE dim IN ({dims}) AND grain = 'month' AND start = ANY(CAST(:{p}months AS date[]))
             UNION ALL
             SELECT {_COLUMNS} FROM analytics_blocks
             WHERE dim IN ({dims}) AND grain = 'week' AND start = ANY(CAST(:{p}weeks AS date[]))
             UNION ALL
             SELECT {_COLUMNS} FROM analytics_daily WHERE dim IN ({dims}) AND day = ANY(CAST(:{p}days AS date[]))"""


def _buyers(p: str) -> str:
    """Paying and new customers of a range, from built weeks and loose days (parameters `:{p}weeks` ...)."""
    in_weeks = f"(x.day - EXTRACT(ISODOW FROM x.day)::int + 1) = ANY(CAST(:{p}weeks AS date[]))"
    return f"""
      (SELECT COALESCE(sum(buyers), 0) FROM analytics_buyer_weeks
       WHERE week = ANY(CAST(:{p}weeks AS date[])) AND (gap = -1 OR week - 7 * gap < :{p}ma))
    + (SELECT count(*) FROM analytics_buyer_days x
       WHERE x.day = ANY(CAST(:{p}days AS date[])) AND (x.prev_day IS NULL OR x.prev_day < :{p}a))
    + (SELECT count(*) FROM analytics_buyer_days x WHERE x.prev_day >= :{p}ma AND x.prev_day < :{p}a AND {in_weeks}),
      (SELECT COALESCE(sum(buyers), 0) FROM analytics_buyer_weeks
       WHERE week = ANY(CAST(:{p}weeks AS date[])) AND gap = -1)
    + (SELECT count(*) FROM analytics_buyer_days x WHERE x.day = ANY(CAST(:{p}days AS date[])) AND x.prev_day IS NULL)"""


_SUMS = "orders, topups, revenue, enterprise, cost, refunds, refunded"
_SUMMED = ("sum(orders) AS orders, sum(topups) AS topups, sum(revenue_cents) AS revenue, sum(enterprise_cents) AS "
           "enterprise, sum(cost_micros) AS cost, sum(refunds) AS refunds, sum(refunds_cents) AS refunded")


def _figures_sql(unit: str) -> sa.TextClause:
    """Every money figure of the home in one statement, as rows (part, key, label, day, rank, the seven sums):
    part `total` and each split dimension (ranked by revenue) for the range, `previous` for the range before,
    `series` per day or week, and `buyers` (orders = paying, topups = new) for `current` and `previous`."""
    return sa.text(f"""
WITH sums AS (SELECT dim, key, max(label) AS label, {_SUMMED} FROM ({_rows("c_", _DIMS)}) AS x GROUP BY dim, key),
ranked AS (SELECT *, row_number() OVER (PARTITION BY dim ORDER BY revenue DESC, key) AS rank FROM sums)
SELECT dim, key, label, NULL::date, rank, {_SUMS} FROM ranked
WHERE dim = 'total' OR CAST(:limit AS int) IS NULL OR rank <= :limit
UNION ALL
SELECT 'previous', '', '', NULL::date, 0, {", ".join(f"COALESCE({c}, 0)" for c in _SUMS.split(", "))}
FROM (SELECT {_SUMMED} FROM ({_rows("p_", "'total'")}) AS y) AS prev
UNION ALL
SELECT 'series', '', '', date_trunc('{unit}', day)::date, 0, sum(orders), 0, sum(revenue_cents), 0, sum(cost_micros),
       0, sum(refunds_cents)
FROM analytics_daily WHERE dim = 'total' AND day BETWEEN :a AND :b GROUP BY 4
UNION ALL
SELECT 'buyers', 'current', '', NULL::date, 0, {_buyers("cb_")}, 0, 0, 0, 0, 0
UNION ALL
SELECT 'buyers', 'previous', '', NULL::date, 0, {_buyers("pb_")}, 0, 0, 0, 0, 0""")


@dataclass(frozen=True, slots=True)
class _Spans:
    """A range as built week and month blocks plus loose days, and as built weeks plus loose days (for
    the buyer counts); see `services.admin.blocks`."""

    period: Period
    blocks: dict[str, object]
    buyers: dict[str, object]


def _spans(period: Period, built: frozenset[tuple[str, dt.date]]) -> _Spans:
    spans, days = blocks.cover(period.start, period.end, built)
    weeks, loose = blocks.cover(period.start, period.end, built, grains=("week",))
    return _Spans(period, {"months": [start for g, start in spans if g == "month"],
                           "weeks": [start for g, start in spans if g == "week"], "days": days},
                  {"weeks": [w for _, w in weeks], "days": loose, "a": period.start,
                   "ma": blocks.block_start("week", period.start)})


def figures_params(period: Period, built: frozenset[tuple[str, dt.date]], limit: int | None) -> dict[str, object]:
    """The parameters of `_figures_sql` for `period` (and the one before it) over the `built` blocks."""
    current, before = _spans(period, built), _spans(period.previous(), built)
    return {**{f"c_{k}": v for k, v in current.blocks.items()}, **{f"p_{k}": v for k, v in before.blocks.items()},
            **{f"cb_{k}": v for k, v in current.buyers.items()}, **{f"pb_{k}": v for k, v in before.buyers.items()},
            "a": period.start, "b": period.end, "limit": limit}


def _margin(revenue: int, refunds: int, cost_micros: int) -> int:
    return Totals(revenue_cents=int(revenue), refunds_cents=int(refunds), cost_micros=int(cost_micros)).margin_cents


def _totals(sums: list[int], buyers: tuple[int, int]) -> Totals:
    orders, topups, revenue, enterprise, cost, refunds, refunded = sums
    return Totals(revenue, refunded, cost, orders, topups, refunds, enterprise, *buyers)


def _series(unit: str, period: Period, found: dict[dt.date, list[int]]) -> tuple[SeriesPoint, ...]:
    """Every day (week) of the range, zero when nothing sold."""
    points, step = [], dt.timedelta(days=1 if unit == "day" else 7)
    cursor = period.start if unit == "day" else period.start - dt.timedelta(days=period.start.weekday())
    while cursor <= period.end:
        n = found.get(cursor)
        points.append(SeriesPoint(cursor, n[2], _margin(n[2], n[6], n[4]), n[0]) if n else SeriesPoint(cursor, 0, 0, 0))
        cursor += step
    return tuple(points)


def _money(s: Session, period: Period, built: frozenset[tuple[str, dt.date]], limit: int | None) -> Money:
    unit = "day" if period.days <= WEEKLY_AFTER_DAYS else "week"
    sums: dict[str, list[int]] = {}
    buyers: dict[str, tuple[int, int]] = {}
    series: dict[dt.date, list[int]] = {}
    splits: dict[str, list[tuple[int, SplitRow]]] = {dim: [] for dim in SPLIT_DIMS}
    for part, key, label, day, rank, *values in s.execute(_figures_sql(unit), figures_params(period, built, limit)):
        n = [int(v) for v in values]
        if part in ("total", "previous"):
            sums[part] = n
        elif part == "series":
            series[day] = n
        elif part == "buyers":
            buyers[key] = (n[0], n[1])
        else:
            name = provider_name(key) if part == "provider" else label or key  # providers by name, for staff
            splits[part].append((rank, SplitRow(key, name, n[0], n[2], n[6], _margin(n[2], n[6], n[4]))))
    zero = [0] * 7
    return Money(_totals(sums.get("total", zero), buyers["current"]), _totals(sums["previous"], buyers["previous"]),
                 unit, _series(unit, period, series),
                 {dim: tuple(row for _, row in sorted(rows, key=lambda r: r[0])) for dim, rows in splits.items()})


_LISTS = sa.text("""
(SELECT 'attention', o.display_id, 'not_delivered', o.status::text, o.price_cents, o.currency, o.created_at, ''
 FROM orders o WHERE o.status IN ('paid', 'provisioning') AND o.created_at < :stuck ORDER BY o.created_at LIMIT :n)
UNION ALL
(SELECT 'attention', o.display_id, 'failed', o.status::text, o.price_cents, o.currency, o.created_at, ''
 FROM orders o WHERE o.status = 'failed' ORDER BY o.created_at DESC, o.id DESC LIMIT :n)
UNION ALL
(SELECT 'attention', o.display_id, 'refund_waiting', o.status::text, o.price_cents, o.currency, r.created_at, ''
 FROM refund_requests r JOIN orders o ON o.id = r.order_id
 WHERE r.status IN ('requested', 'provider_done', 'review') ORDER BY r.created_at LIMIT :n)
UNION ALL
(SELECT 'incident', o.display_id, COALESCE(o.provider_id, '-'), COALESCE(o.failure_reason, ''), 0, '',
        COALESCE(a.created_at, o.updated_at), COALESCE(a.details ->> 'detail', '')
 FROM (SELECT * FROM orders WHERE status = 'failed' ORDER BY created_at DESC, id DESC LIMIT :n) o
 LEFT JOIN LATERAL (SELECT created_at, details FROM audit_log
                    WHERE entity_type = 'order' AND entity_id = o.display_id AND action = 'order.failed'
                    ORDER BY id DESC LIMIT 1) a ON true
 ORDER BY 7 DESC)""")


def _lists(s: Session, now: dt.datetime) -> tuple[tuple[AttentionRow, ...], tuple[IncidentRow, ...]]:
    """Orders needing attention (stuck, failed, refund waiting; in that order) and provider incidents."""
    attention, incidents = [], []
    for part, ref, a, b, amount, currency, at, detail in s.execute(_LISTS, {"stuck": now - STUCK_AFTER,
                                                                            "n": LIST_LIMIT}):
        if part == "attention":
            attention.append(AttentionRow(ref, a, b, int(amount), currency, at))
        else:
            incidents.append(IncidentRow(at, ref, a, b, detail))
    return tuple(attention), tuple(incidents)


def _refreshed(s: Session) -> frozenset[tuple[str, dt.date]]:
    """Bring the rollups up to date in a transaction of its own; the completed blocks there are."""
    with s.begin():
        return rollup.refresh(s).built


def refresh_rollups() -> int:
    """Bring the rollups up to date (what the dashboard does before reading); the days rebuilt."""
    with db.session() as s, s.begin():
        return rollup.refresh(s).days


def money(period: Period, *, split_limit: int | None = 10) -> Money:
    """Figures of `period` and the one before it, series and splits (rollups refreshed first)."""
    with db.session() as s:
        built = _refreshed(s)
        with s.begin():
            rollup.no_jit(s)
            return _money(s, period, built, split_limit)


def dashboard(period: Period, *, roles: tuple[str, ...], now: dt.datetime | None = None) -> Dashboard:
    """The home for a staff member holding `roles` (money only for owners and finance): one connection, the
    refresh in one transaction, then three statements (no JIT, the figures, the two lists)."""
    with db.session() as s:
        built = _refreshed(s) if MONEY_ROLES & set(roles) else None
        with s.begin():
            rollup.no_jit(s)
            figures = None if built is None else _money(s, period, built, 10)
            attention, incidents = _lists(s, now or dt.datetime.now(dt.UTC))
    return Dashboard(period, period.previous(), BASE_CURRENCY, figures, attention, incidents)
