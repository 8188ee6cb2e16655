"""The daily rollups behind the dashboard, recomputed for exactly the days that changed.

Definitions (all amounts in the base currency, USD; days are UTC):
- a *paid order* has status paid, provisioning, completed, failed or refunded (its card was charged);
  it counts on the day it was placed, top-ups (`kind = topup`) included;
- *revenue* is the sum of paid orders' `base_price_cents` (the price converted when the order was made);
- a *refund* counts on the day it was paid out (`payment_refunds.created_at`), converted at its
  order's own rate: `amount_cents × base_price_cents / price_cents`, rounded half away from zero;
- *provider cost* is `orders.cost_micros` (USD micros: every provider bills in USD, as ordering's
  margin floor assumes) of paid orders a provider accepted (`provider_order_id` set);
- *enterprise revenue* is revenue of orders with `enterprise_account_id`;
- a *buyer* is the company for an enterprise order, else the customer; orders with neither are not counted.

Triggers append every changed day to `analytics_changes`; `refresh` takes those rows (under an
advisory lock, so two refreshes never rebuild the same day at once) and rebuilds those days of
`analytics_daily` (totals, and splits by provider, destination and plan, with GROUPING SETS; only the rows
that differ are written) and of `analytics_buyer_days` (likewise only the (buyer, day) pairs that differ; each
buyer who gained or
lost a day gets every previous active day recomputed with `lag()`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from services.admin import blocks

PAID_STATUSES = ("paid", "provisioning", "completed", "failed", "refunded")
_PAID = "o.status IN ('paid', 'provisioning', 'completed', 'failed', 'refunded')"
_LOCK = 7_302_611  # pg_advisory_xact_lock key of the rollup refresh

_DAYS = """d AS (SELECT day, day::timestamp AT TIME ZONE 'UTC' AS t0, (day + 1)::timestamp AT TIME ZONE 'UTC' AS t1
              FROM unnest(CAST(:days AS date[])) AS day)"""

_DAILY_COLUMNS = "label, orders, topups, revenue_cents, enterprise_cents, cost_micros, refunds, refunds_cents"
_DAILY = f"""
WITH {_DAYS},
facts AS (
    SELECT d.day, COALESCE(o.provider_id, '-') AS provider, o.package_id, 1 AS orders,
           (o.kind = 'topup')::int AS topups, o.base_price_cents AS revenue,
           CASE WHEN o.enterprise_account_id IS NOT NULL THEN o.base_price_cents ELSE 0 END AS enterprise,
           CASE WHEN o.provider_order_id IS NOT NULL THEN o.cost_micros ELSE 0 END AS cost,
           0 AS refunds, 0::numeric AS refunded
    FROM d JOIN orders o ON o.created_at >= d.t0 AND o.created_at < d.t1 AND {_PAID}
    UNION ALL
    SELECT d.day, COALESCE(o.provider_id, '-'), o.package_id, 0, 0, 0, 0, 0, 1,
           COALESCE(round(r.amount_cents * o.base_price_cents::numeric / NULLIF(o.price_cents, 0)), 0)
    FROM d JOIN payment_refunds r ON r.created_at >= d.t0 AND r.created_at < d.t1
    JOIN orders o ON o.id = r.order_id
),
fresh AS (
    SELECT CASE WHEN GROUPING(f.provider) = 0 THEN 'provider' WHEN GROUPING(p.destination_code) = 0 THEN 'destination'
                WHEN GROUPING(p.name) = 0 THEN 'plan' ELSE 'total' END AS dim,
           f.day, COALESCE(f.provider, p.destination_code, p.name, '') AS key,
           CASE WHEN GROUPING(p.destination_code) = 0 THEN max(p.destination_name) ELSE '' END AS label,
           sum(f.orders), sum(f.topups), sum(f.revenue), sum(f.enterprise), sum(f.cost), sum(f.refunds),
           sum(f.refunded)
    FROM facts f JOIN packages p ON p.id = f.package_id
    GROUP BY GROUPING SETS ((f.day), (f.day, f.provider), (f.day, p.destination_code), (f.day, p.name))
),
gone AS (
    DELETE FROM analytics_daily a USING d
    WHERE a.dim IN ('total', 'provider', 'destination', 'plan') AND a.day = d.day
      AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.dim = a.dim AND f.day = a.day AND f.key = a.key)
)
INSERT INTO analytics_daily (dim, day, key, {_DAILY_COLUMNS})
SELECT * FROM fresh
ON CONFLICT (dim, day, key) DO UPDATE SET ({_DAILY_COLUMNS}) = ROW({", ".join(
    f"EXCLUDED.{c}" for c in _DAILY_COLUMNS.split(", "))})
WHERE ({", ".join(f"analytics_daily.{c}" for c in _DAILY_COLUMNS.split(", "))})
      IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in _DAILY_COLUMNS.split(", "))})
"""

_BUYERS = f"""
WITH {_DAYS},
fresh AS (
    SELECT DISTINCT CASE WHEN o.enterprise_account_id IS NOT NULL THEN -o.enterprise_account_id ELSE o.user_id END
                    AS buyer_key, d.day
    FROM d JOIN orders o ON o.created_at >= d.t0 AND o.created_at < d.t1 AND {_PAID}
    WHERE o.enterprise_account_id IS NOT NULL OR o.user_id IS NOT NULL
),
gone AS (
    DELETE FROM analytics_buyer_days b USING d
    WHERE b.day = d.day AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.buyer_key = b.buyer_key AND f.day = b.day)
    RETURNING b.buyer_key
),
added AS (
    INSERT INTO analytics_buyer_days (buyer_key, day) SELECT buyer_key, day FROM fresh
    ON CONFLICT (buyer_key, day) DO NOTHING RETURNING buyer_key
)
SELECT buyer_key FROM gone UNION SELECT buyer_key FROM added
"""

_PREV_DAYS = """
UPDATE analytics_buyer_days b SET prev_day = w.prev
FROM (SELECT buyer_key, day, lag(day) OVER (PARTITION BY buyer_key ORDER BY day) AS prev
      FROM analytics_buyer_days WHERE buyer_key = ANY(CAST(:buyers AS bigint[]))) w
WHERE b.buyer_key = w.buyer_key AND b.day = w.day AND b.prev_day IS DISTINCT FROM w.prev
RETURNING b.day
"""


def no_jit(s: Session) -> None:
    """Small queries with poor row estimates (unnest, CTEs) must not pay for JIT compilation (~300 ms) or
    for starting parallel workers; set for the caller's transaction."""
    s.execute(sa.text("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0"))


@dataclass(frozen=True, slots=True)
class Refreshed:
    days: int  # days rebuilt
    built: frozenset[tuple[str, dt.date]]  # (grain, start) of every completed block there is now


def _claim_days(s: Session) -> list[dt.date]:
    s.execute(sa.text(f"SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0;"
                      f" SELECT pg_advisory_xact_lock({_LOCK})"))  # no_jit and the lock in one round trip
    rows = s.execute(sa.text("DELETE FROM analytics_changes RETURNING day")).scalars().all()
    return sorted(set(rows))


def _rebuild_buyers(s: Session, params: dict[str, object]) -> set[dt.date]:
    """Make the rebuilt days' buyers those the orders say (one statement, touching only the pairs that
    differ), then recompute the previous day of every row of each buyer who gained or lost a day; the days
    whose rows' previous day moved."""
    changed = sorted(s.execute(sa.text(_BUYERS), params).scalars().all())
    if not changed:
        return set()
    return set(s.execute(sa.text(_PREV_DAYS), {"buyers": changed}).scalars().all())


def _rebuild(s: Session, days: list[dt.date]) -> set[dt.date]:
    """Make the days' rows what the orders say, in one statement writing only the rows that differ (a new
    order rewrites its four rows, not the day's hundreds)."""
    params = {"days": days}
    s.execute(sa.text(_DAILY), params)
    return set(days) | _rebuild_buyers(s, params)


def refresh(s: Session, *, today: dt.date | None = None) -> Refreshed:
    """Rebuild every day changed since the last refresh and the completed blocks holding them (building
    any completed block still missing), in the caller's transaction; the days rebuilt and the blocks."""
    days = _claim_days(s)
    changed = _rebuild(s, days) if days else set()
    built = blocks.refresh_blocks(s, changed, today or dt.datetime.now(dt.UTC).date())
    return Refreshed(len(days), frozenset(built))


def mark_all_changed(s: Session) -> None:
    """Queue every day with orders or refunds for a rebuild (after a bulk load with triggers off)."""
    s.execute(sa.text(
        "INSERT INTO analytics_changes (day) SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM orders "
        "UNION SELECT (created_at AT TIME ZONE 'UTC')::date FROM payment_refunds"))
