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
`analytics_daily` (totals, and splits by provider, destination and plan, with GROUPING SETS) and of
`analytics_buyer_days` (with each buyer's previous active day, recomputed for every buyer whose
set of active days changed).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

PAID_STATUSES = ("paid", "provisioning", "completed", "failed", "refunded")
_PAID = "o.status IN ('paid', 'provisioning', 'completed', 'failed', 'refunded')"
_LOCK = 7_302_611  # pg_advisory_xact_lock key of the rollup refresh

_DAYS = """d AS (SELECT day, day::timestamp AT TIME ZONE 'UTC' AS t0, (day + 1)::timestamp AT TIME ZONE 'UTC' AS t1
              FROM unnest(CAST(:days AS date[])) AS day)"""

_DAILY = f"""
INSERT INTO analytics_daily (dim, day, key, label, orders, topups, revenue_cents, enterprise_cents, cost_micros,
                             refunds, refunds_cents)
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
)
SELECT CASE WHEN GROUPING(f.provider) = 0 THEN 'provider' WHEN GROUPING(p.destination_code) = 0 THEN 'destination'
            WHEN GROUPING(p.name) = 0 THEN 'plan' ELSE 'total' END,
       f.day, COALESCE(f.provider, p.destination_code, p.name, ''),
       CASE WHEN GROUPING(p.destination_code) = 0 THEN max(p.destination_name) ELSE '' END,
       sum(f.orders), sum(f.topups), sum(f.revenue), sum(f.enterprise), sum(f.cost), sum(f.refunds), sum(f.refunded)
FROM facts f JOIN packages p ON p.id = f.package_id
GROUP BY GROUPING SETS ((f.day), (f.day, f.provider), (f.day, p.destination_code), (f.day, p.name))
"""

_BUYERS = f"""
INSERT INTO analytics_buyer_days (buyer_key, day)
WITH {_DAYS}
SELECT DISTINCT CASE WHEN o.enterprise_account_id IS NOT NULL THEN -o.enterprise_account_id ELSE o.user_id END,
       d.day
FROM d JOIN orders o ON o.created_at >= d.t0 AND o.created_at < d.t1 AND {_PAID}
WHERE o.enterprise_account_id IS NOT NULL OR o.user_id IS NOT NULL
"""

_PREV_DAYS = """
UPDATE analytics_buyer_days b
SET prev_day = (SELECT max(p.day) FROM analytics_buyer_days p WHERE p.buyer_key = b.buyer_key AND p.day < b.day)
WHERE {where}
"""


def _claim_days(s: Session) -> list[dt.date]:
    s.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    rows = s.execute(sa.text("DELETE FROM analytics_changes RETURNING day")).scalars().all()
    return sorted(set(rows))


def _rebuild_buyers(s: Session, params: dict[str, object]) -> None:
    """Each rebuilt day's buyers with their previous day, and the later days of every buyer who gained or
    lost a day (their previous day may have moved)."""
    def pairs(sql: str) -> set[tuple[int, dt.date]]:
        return {(r[0], r[1]) for r in s.execute(sa.text(sql), params).all()}

    old = pairs("DELETE FROM analytics_buyer_days WHERE day = ANY(CAST(:days AS date[])) RETURNING buyer_key, day")
    new = pairs(_BUYERS + " RETURNING buyer_key, day")
    s.execute(sa.text(_PREV_DAYS.format(where="b.day = ANY(CAST(:days AS date[]))")), params)
    changed = sorted({buyer for buyer, _ in old ^ new})
    if changed:
        s.execute(sa.text(_PREV_DAYS.format(where="b.buyer_key = ANY(CAST(:buyers AS bigint[]))")),
                  {"buyers": changed})


def _rebuild(s: Session, days: list[dt.date]) -> None:
    params = {"days": days}
    s.execute(sa.text("DELETE FROM analytics_daily WHERE day = ANY(CAST(:days AS date[]))"), params)
    s.execute(sa.text(_DAILY), params)
    _rebuild_buyers(s, params)


def refresh(s: Session) -> int:
    """Rebuild every day changed since the last refresh, in the caller's transaction; the number of days."""
    days = _claim_days(s)
    if days:
        _rebuild(s, days)
    return len(days)


def mark_all_changed(s: Session) -> None:
    """Queue every day with orders or refunds for a rebuild (after a bulk load with triggers off)."""
    s.execute(sa.text(
        "INSERT INTO analytics_changes (day) SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM orders "
        "UNION SELECT (created_at AT TIME ZONE 'UTC')::date FROM payment_refunds"))
