"""Admin dashboard query figures over 1,000,000 orders (prints, asserts nothing).

    .venv/bin/python -m bench.admin [--orders 1000000] [--samples 40] [--explain] [--keep NAME]

`--keep NAME` seeds a database called NAME once and keeps it: a later run with the same name reuses it
(migrated to the current head) instead of seeding again. Drop it by hand when done.

A throw-away database (tests/support/database.py) gets, by `generate_series`, 200,000 customers,
300 companies, 1,200 packages of three providers over 150 destinations and N orders over two
years, written in time order as a shop writes them (about 1,370 a day) (a tenth of them enterprise, 8 % top-ups, in USD, EUR and JPY, some unpaid, failed or
refunded) with refunds for 6 % of them. The rollups are then built once from scratch (the figure
is printed), and each query is timed `--samples` times; the home is timed the way it runs in
production: a new order arrives before every sample, so its refresh rebuilds today each time.

The home reads rollups, not orders (`services.admin.rollup` and `blocks`, kept up to date by the
`analytics_rollups` job): completed weeks and months plus loose days, so its cost follows the number
of blocks and keys, not of orders. The order list and search are timed as the /admin/orders page
calls them (`services.admin.orders`), over the `ix_orders_*` indexes of its migration (keyset
paging). `--explain` prints the plans (EXPLAIN ANALYZE of each statement they run) as evidence.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import sqlalchemy as sa

from services.admin import analytics, rollup
from services.admin import orders as order_list
from services.core import db, migrations
from services.core.settings import get_settings
from tests.support.database import fresh_database, server_url

SEED = """
INSERT INTO users (display_id, email, language, currency, is_verified, is_active)
SELECT 'UID' || g, 'bench' || g || '@example.com', 'en', 'USD', true, true FROM generate_series(1, 200000) g;
INSERT INTO enterprise_accounts (company_name, contact_name, contact_email, status, credit_limit_cents, currency)
SELECT 'Company ' || g, 'Contact', 'co' || g || '@example.com', 'active', 0, 'USD' FROM generate_series(1, 300) g;
INSERT INTO packages (slug, provider_id, provider_package_id, kind, destination_code, destination_name, coverage, name,
                      data_mb, unlimited, validity_days, is_topup, supports_topup, cost_micros, cost_currency,
                      price_cents, currency, group_key, is_best_price, is_enabled, auto_mode, raw)
SELECT 'bench-' || g, (ARRAY['airalo', 'esim_access', 'esim_go'])[1 + g % 3], 'pkg' || g, 'local',
       'D' || lpad((g % 150)::text, 3, '0'), 'Destination ' || (g % 150), '{}',
       'Destination ' || (g % 150) || ' ' || (1 + (g / 150) % 8) || ' GB', 1024, false, 30, g % 12 = 0, false,
       (2 + g % 20) * 700000, 'USD', (2 + g % 20) * 100, 'USD', 'grp' || (g % 400), false, true, true, '{}'
FROM generate_series(1, 1200) g;
ALTER TABLE orders DISABLE TRIGGER USER;
ALTER TABLE payment_refunds DISABLE TRIGGER USER;
INSERT INTO orders (display_id, kind, user_id, enterprise_account_id, package_id, quantity, provider_id, provider_order_id,
                    client_reference, cost_micros, price_cents, currency, base_price_cents, status, retry_count,
                    refunded_cents, created_at, updated_at)
SELECT 'OID' || lpad(g::text, 12, '0'), CASE WHEN r1 < 0.08 THEN 'topup' ELSE 'esim' END,
       CASE WHEN r2 < 0.1 THEN NULL ELSE 1 + (g::bigint * 7919) % 200000 END,
       CASE WHEN r2 < 0.1 THEN 1 + g % 300 END,
       1 + g % 1200, 1, (ARRAY['airalo', 'esim_access', 'esim_go'])[1 + (g % 1200 + 1) % 3],
       CASE WHEN st IN ('completed', 'refunded') THEN 'po' || g END,
       'ref' || g, (2 + (g % 1200 + 1) % 20) * 700000,
       CASE cur WHEN 'EUR' THEN round(base * 0.92) WHEN 'JPY' THEN round(base * 1.5) ELSE base END,
       cur, base, st, 0, 0, at, at
FROM (SELECT g, random() AS r1, random() AS r2, (2 + (g % 1200 + 1) % 20) * 100 AS base,
             (ARRAY['USD', 'USD', 'USD', 'EUR', 'JPY'])[1 + g % 5] AS cur,
             now() - interval '730 days' * (1 - g::float / :n) - random() * interval '30 minutes' AS at,
             (ARRAY['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed',
                    'completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed',
                    'refunded', 'failed', 'pending', 'cancelled', 'completed', 'completed'])[1 + g % 20] AS st
      FROM generate_series(1, :n) g) s;
INSERT INTO payment_refunds (refund_id, order_id, amount_cents, created_at)
SELECT 're_' || id, id, CASE WHEN status = 'refunded' THEN price_cents ELSE price_cents / 2 END,
       least(now(), created_at + interval '2 days')
FROM orders WHERE status = 'refunded' OR (status = 'completed' AND id % 100 = 0);
ALTER TABLE orders ENABLE TRIGGER USER;
ALTER TABLE payment_refunds ENABLE TRIGGER USER;
"""

def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] if len(samples) > 1 else samples[0]


def timed(fn: Callable[[], object], samples: int, before: Callable[[], None] | None = None) -> list[float]:
    out = []
    for _ in range(samples):
        if before:
            before()
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _new_order() -> None:
    with db.get_engine().begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO orders (kind, user_id, package_id, quantity, client_reference, cost_micros, price_cents,"
            " currency, status, retry_count, provider_id, provider_order_id) SELECT 'esim', 1 + (random() * 199999)::int,"
            " 1, 1, md5(random()::text), 1400000, 200, 'USD', 'completed', 0, 'airalo', 'po'"))


def _explain_call(title: str, fn: Callable[[], object]) -> None:
    """EXPLAIN ANALYZE of each statement `fn` runs, with the parameters it ran them with."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        seen.append((statement, parameters))

    engine = db.get_engine()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET jit = off; SET max_parallel_workers_per_gather = 0")  # as the dashboard runs them
        for statement, parameters in seen:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH", "(")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            print(f"EXPLAIN {title}:\n" + "\n".join("    " + row[0] for row in cursor.fetchall()))
    finally:
        raw.close()


def _explain_home() -> None:
    """EXPLAIN of the 12-month home's reads (the refresh's statements change rows and are left out)."""
    _explain_call("home 12 months", lambda: analytics.dashboard(analytics.resolve_period("12m"), roles=("owner",)))


def _seed(n: int) -> None:
    started = time.perf_counter()
    with db.get_engine().begin() as conn:
        for statement in SEED.split(";\n"):
            if statement.strip():
                t = time.perf_counter()
                conn.execute(sa.text(statement), {"n": n})
                print(f"  {time.perf_counter() - t:6.1f} s  {statement.strip().splitlines()[0][:70]}")
    print(f"seeded {n:,} orders in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with db.session() as s, s.begin():
        rollup.mark_all_changed(s)
        days = rollup.refresh(s).days
    print(f"rollups built from scratch for {days} days in {time.perf_counter() - started:.1f} s")
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


@contextlib.contextmanager
def _database(keep: str) -> Iterator[str]:
    """A throw-away database, or the kept database `keep` (created when missing)."""
    if not keep:
        with fresh_database("esim_bench_admin") as url:
            yield url
        return
    admin = sa.make_url(server_url()).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (keep,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{keep}"')
    yield admin.set(drivername="postgresql+psycopg", database=keep).render_as_string(hide_password=False)


def _seeded() -> bool:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM users WHERE email = 'bench1@example.com')")).scalar()


def _order_cases(email: str) -> dict[str, tuple[Callable[[], object], None]]:
    """The order list and search as the /admin/orders page calls them (`services.admin.orders`)."""
    today = dt.datetime.now(dt.UTC).date()
    filters = {"status": "completed", "provider": "esim_go", "date_from": today - dt.timedelta(days=180),
               "date_to": today}
    deep = order_list.list_orders(**filters, offset=10_000 - 25, count=False).next_cursor  # after row 10,000
    return {
        "order list: status + provider + 180 days, page 1 with its count": (
            lambda: order_list.list_orders(**filters), None),
        "order list: same filters, a deep page (keyset cursor, row 10,001)": (
            lambda: order_list.list_orders(**filters, after=deep, count=False), None),
        "order list: customer filter (the start of an address)": (
            lambda: order_list.list_orders(customer=email.split("@")[0]), None),
        "order search by customer email": (lambda: order_list.search_orders(email), None),
        "order search by reference": (lambda: order_list.search_orders("OID000000424242"), None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", default="", metavar="NAME", help="seed database NAME once and reuse it")
    args = parser.parse_args()
    with _database(args.keep) as url:
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        db.reset_engine()
        migrations.upgrade()
        if args.keep and _seeded():
            print(f"reusing the seeded database {args.keep} (--orders ignored)")
            with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
        else:
            _seed(args.orders)
        with db.get_engine().connect() as conn:
            email = conn.execute(sa.text("SELECT email FROM users WHERE id = 4242")).scalar_one()
        owner = ("owner",)
        cases = {
            "home, 30 days (a new order before each: refresh + read)":
                (lambda: analytics.dashboard(analytics.resolve_period("30d"), roles=owner), _new_order),
            "home, 12 months (a new order before each: refresh + read)":
                (lambda: analytics.dashboard(analytics.resolve_period("12m"), roles=owner), _new_order),
            "home, 30 days (no change since the last load: read only)":
                (lambda: analytics.dashboard(analytics.resolve_period("30d"), roles=owner), None),
            "home, 12 months (no change since the last load: read only)":
                (lambda: analytics.dashboard(analytics.resolve_period("12m"), roles=owner), None),
            **_order_cases(email),
        }
        print(f"p95 of {args.samples} runs each (goal <= 100 ms); load average before: "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        for name, (fn, before) in cases.items():
            fn()  # warm
            samples = timed(fn, args.samples, before)
            print(f"  {name:<62} p95 {p95(samples):7.1f} ms   median {statistics.median(samples):6.1f} ms")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if args.explain:
            for title, (fn, _) in _order_cases(email).items():
                _explain_call(title, fn)
            _explain_home()
        db.reset_engine()


if __name__ == "__main__":
    main()
