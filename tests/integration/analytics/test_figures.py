"""Every figure of the admin home equals an independent plain SQL query over the seeded orders and refunds.

The expected values are computed here straight from `orders` and `payment_refunds` (not from the
rollups the dashboard reads), for several ranges and the ranges before them.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa

from services import admin
from services.admin import analytics
from services.core import db
from tests.support.analytics import seed_shop, staff

NOW = dt.datetime.now(dt.UTC)
TODAY = NOW.date()
PAID = "o.status NOT IN ('pending', 'cancelled')"


@pytest.fixture(scope="module", autouse=True)
def shop():
    return seed_shop(NOW)


def _bounds(period: analytics.Period) -> dict[str, dt.datetime]:
    start = dt.datetime.combine(period.start, dt.time(), dt.UTC)
    return {"t0": start, "t1": start + dt.timedelta(days=period.days)}


def _sql(query: str, period: analytics.Period) -> sa.Row:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text(query), _bounds(period)).one()


def expected(period: analytics.Period) -> dict[str, object]:
    orders = _sql(f"""
        SELECT COALESCE(sum(o.base_price_cents), 0) AS revenue, count(*) AS orders,
               count(*) FILTER (WHERE o.kind = 'topup') AS topups,
               COALESCE(sum(o.base_price_cents) FILTER (WHERE o.enterprise_account_id IS NOT NULL), 0) AS enterprise,
               COALESCE(sum(o.cost_micros) FILTER (WHERE o.provider_order_id IS NOT NULL), 0) AS cost,
               count(DISTINCT COALESCE(-o.enterprise_account_id, o.user_id)) AS paying
        FROM orders o WHERE {PAID} AND o.created_at >= :t0 AND o.created_at < :t1""", period)
    refunds = _sql("""
        SELECT COALESCE(sum(round(r.amount_cents::numeric * o.base_price_cents / o.price_cents)), 0) AS cents,
               count(*) AS n
        FROM payment_refunds r JOIN orders o ON o.id = r.order_id
        WHERE r.created_at >= :t0 AND r.created_at < :t1""", period)
    new = _sql(f"""
        SELECT count(*) FROM (SELECT min(o.created_at) AS first FROM orders o WHERE {PAID}
                              GROUP BY COALESCE(-o.enterprise_account_id, o.user_id)) buyers
        WHERE first >= :t0 AND first < :t1""", period)[0]
    net = int(orders.revenue) - int(refunds.cents)
    margin = net - int((Decimal(int(orders.cost)) / 10_000).to_integral_value(ROUND_HALF_UP))
    return {"revenue_cents": int(orders.revenue), "orders": orders.orders, "topups": orders.topups,
            "enterprise_cents": int(orders.enterprise), "cost_micros": int(orders.cost),
            "paying_customers": orders.paying, "new_customers": new, "refunds_cents": int(refunds.cents),
            "refunds": refunds.n, "margin_cents": margin,
            "average_order_cents": int((Decimal(int(orders.revenue)) / orders.orders).to_integral_value(ROUND_HALF_UP))
            if orders.orders else 0}  # half a cent rounds up, as money does (round() would go to even)


def actual(totals: analytics.Totals) -> dict[str, object]:
    return {name: getattr(totals, name) for name in (
        "revenue_cents", "orders", "topups", "enterprise_cents", "cost_micros", "paying_customers", "new_customers",
        "refunds_cents", "refunds", "margin_cents", "average_order_cents")}


PERIODS = [("today", None, None), ("7d", None, None), ("30d", None, None), ("12m", None, None),
           ("custom", (TODAY - dt.timedelta(days=75)).isoformat(), (TODAY - dt.timedelta(days=20)).isoformat())]


@pytest.mark.parametrize(("period", "start", "end"), PERIODS)
async def test_every_total_matches_plain_sql_for_the_range_and_the_one_before(period, start, end):
    board = await admin.load_dashboard(staff("finance"), period=period, start=start, end=end)
    assert board.money is not None
    assert actual(board.money.current) == expected(board.period)
    assert actual(board.money.previous) == expected(board.previous)
    assert board.previous.days == board.period.days and board.previous.end == board.period.start - dt.timedelta(days=1)


def test_the_seed_has_what_the_figures_must_handle():
    with db.get_engine().connect() as conn:
        row = conn.execute(sa.text(f"""
            SELECT count(DISTINCT currency), count(*) FILTER (WHERE kind = 'topup' AND {PAID}),
                   count(*) FILTER (WHERE enterprise_account_id IS NOT NULL AND {PAID}),
                   (SELECT count(*) FROM payment_refunds), count(*) FILTER (WHERE NOT ({PAID}))
            FROM orders o""")).one()
    assert row[0] == 3 and all(n > 5 for n in row[1:])


async def test_splits_match_plain_sql_by_provider_destination_and_plan():
    board = await admin.load_dashboard(staff("owner"), period="30d")
    period = board.period
    for dim, column in (("provider", "COALESCE(o.provider_id, '-')"), ("destination", "p.destination_code"),
                        ("plan", "p.name")):
        rows = {r[0]: r for r in _rows(f"""
            SELECT k, sum(orders), sum(revenue), sum(refunds) FROM (
                SELECT {column} AS k, 1 AS orders, o.base_price_cents AS revenue, 0 AS refunds
                FROM orders o JOIN packages p ON p.id = o.package_id
                WHERE {PAID} AND o.created_at >= :t0 AND o.created_at < :t1
                UNION ALL
                SELECT {column}, 0, 0, round(r.amount_cents::numeric * o.base_price_cents / o.price_cents)
                FROM payment_refunds r JOIN orders o ON o.id = r.order_id JOIN packages p ON p.id = o.package_id
                WHERE r.created_at >= :t0 AND r.created_at < :t1) x GROUP BY k""", period)}
        got = {r.key: (r.key, r.orders, r.revenue_cents, r.refunds_cents) for r in board.money.splits[dim]}
        assert got == {k: (k, int(v[1]), int(v[2]), int(v[3])) for k, v in rows.items()}, dim
    revenues = [r.revenue_cents for r in board.money.splits["destination"]]
    assert revenues == sorted(revenues, reverse=True)


def _rows(query: str, period: analytics.Period) -> list[sa.Row]:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text(query), _bounds(period)).all()


async def test_the_daily_series_matches_plain_sql_day_by_day():
    board = await admin.load_dashboard(staff("owner"), period="30d")
    by_day = {r[0]: int(r[1]) for r in _rows(f"""
        SELECT (o.created_at AT TIME ZONE 'UTC')::date, sum(o.base_price_cents) FROM orders o
        WHERE {PAID} AND o.created_at >= :t0 AND o.created_at < :t1 GROUP BY 1""", board.period)}
    assert board.money.granularity == "day" and len(board.money.series) == 30
    assert {p.start: p.revenue_cents for p in board.money.series} == {
        board.period.start + dt.timedelta(days=n): by_day.get(board.period.start + dt.timedelta(days=n), 0)
        for n in range(30)}


async def test_a_year_is_charted_by_week_and_the_weeks_add_up():
    board = await admin.load_dashboard(staff("owner"), period="12m")
    assert board.money.granularity == "week"
    assert all(p.start.weekday() == 0 for p in board.money.series)
    assert sum(p.revenue_cents for p in board.money.series) == board.money.current.revenue_cents



async def test_forty_random_custom_ranges_match_plain_sql():
    """Ranges starting and ending on any weekday, across block edges, month ends and the seed's start."""
    import random

    rng = random.Random(7)
    finance = staff("finance")
    for _ in range(40):
        start = TODAY - dt.timedelta(days=rng.randrange(0, 110))
        end = min(TODAY, start + dt.timedelta(days=rng.randrange(0, 80)))
        board = await admin.load_dashboard(finance, period="custom", start=start.isoformat(), end=end.isoformat())
        assert actual(board.money.current) == expected(board.period), (start, end)
