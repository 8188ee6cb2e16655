"""Analytics: order prices in the base currency, daily rollups kept fresh by triggers.

`orders.base_price_cents` is the price in USD cents, fixed when the order is created (existing
orders were all USD: `create_order` only ever wrote the store currency, so they get their price).
A BEFORE INSERT trigger fills it for USD orders that leave it out and refuses an order in another
currency without it, so no code path can add an order the reports cannot convert.

`analytics_daily` and `analytics_buyer_days` hold per-day figures; statement triggers append the
UTC days a change to `orders` or `payment_refunds` touches to `analytics_changes` (append-only: a
checkout never waits on another transaction's row), and `services.admin.rollup.refresh` recomputes
those days. Existing history is marked as changed once here, so the first refresh builds it.

Revision ID: d8f3a2b6c1e9
Revises: b3d8f2a6c4e1
Create Date: 2026-12-02 16:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'd8f3a2b6c1e9'
down_revision: Union[str, Sequence[str], None] = 'b3d8f2a6c4e1'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COVER = ['key', 'label', 'orders', 'topups', 'revenue_cents', 'enterprise_cents', 'cost_micros', 'refunds',
         'refunds_cents']  # the rollups' figures, in their read indexes (index-only scans)
PAID = "status IN ('paid', 'provisioning', 'completed', 'failed', 'refunded')"

BASE_PRICE = """
CREATE FUNCTION orders_base_price() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.base_price_cents IS NULL THEN
        IF NEW.currency = 'USD' THEN
            NEW.base_price_cents := NEW.price_cents;
        ELSE
            RAISE EXCEPTION 'an order in % needs base_price_cents (its price in USD cents)', NEW.currency
                USING ERRCODE = 'not_null_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER orders_base_price BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_base_price();
"""

MARK_CHANGED = """
CREATE FUNCTION analytics_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO analytics_changes (day)
        SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO analytics_changes (day)
        SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM old_rows;
    ELSE
        INSERT INTO analytics_changes (day)
        SELECT (created_at AT TIME ZONE 'UTC')::date FROM new_rows
        UNION SELECT (created_at AT TIME ZONE 'UTC')::date FROM old_rows;
    END IF;
    RETURN NULL;
END $$;
"""
TRIGGERS = [(table, event) for table in ("orders", "payment_refunds") for event in ("insert", "update", "delete")]


def _trigger(table: str, event: str) -> str:
    rows = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
            "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event]
    return (f"CREATE TRIGGER {table}_analytics_{event} AFTER {event.upper()} ON {table} REFERENCING {rows} "
            "FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_changed()")


def _sums() -> list[sa.Column]:
    return [
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('topups', sa.Integer(), nullable=False),
        sa.Column('revenue_cents', sa.BigInteger(), nullable=False),
        sa.Column('enterprise_cents', sa.BigInteger(), nullable=False),
        sa.Column('cost_micros', sa.BigInteger(), nullable=False),
        sa.Column('refunds', sa.Integer(), nullable=False),
        sa.Column('refunds_cents', sa.BigInteger(), nullable=False),
    ]


def _tables() -> None:
    op.create_table(
        'analytics_daily',
        sa.Column('dim', sa.String(length=16), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        *_sums(),
        sa.PrimaryKeyConstraint('dim', 'day', 'key', name=op.f('pk_analytics_daily')),
    )
    op.create_table(
        'analytics_blocks',
        sa.Column('dim', sa.String(length=16), nullable=False),
        sa.Column('grain', sa.String(length=8), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        *_sums(),
        sa.PrimaryKeyConstraint('dim', 'grain', 'start', 'key', name=op.f('pk_analytics_blocks')),
    )
    op.create_table(
        'analytics_buyer_weeks',
        sa.Column('week', sa.Date(), nullable=False),
        sa.Column('gap', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('buyers', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('week', 'gap', name=op.f('pk_analytics_buyer_weeks')),
    )
    op.create_table(
        'analytics_buyer_days',
        sa.Column('buyer_key', sa.BigInteger(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('prev_day', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('buyer_key', 'day', name=op.f('pk_analytics_buyer_days')),
    )
    op.create_index('ix_analytics_buyer_days_day_prev_day', 'analytics_buyer_days', ['day', 'prev_day'])
    op.create_index('ix_analytics_buyer_days_prev_day_day', 'analytics_buyer_days', ['prev_day', 'day'])
    op.create_index('ix_analytics_daily_cover', 'analytics_daily', ['dim', 'day'], postgresql_include=COVER)
    op.create_index('ix_analytics_blocks_cover', 'analytics_blocks', ['dim', 'grain', 'start'], postgresql_include=COVER)
    op.create_table(
        'analytics_changes',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_analytics_changes')),
    )


def upgrade() -> None:
    op.add_column('orders', sa.Column('base_price_cents', sa.BigInteger(), nullable=True))
    op.execute("UPDATE orders SET base_price_cents = price_cents")
    op.alter_column('orders', 'base_price_cents', nullable=False)
    op.create_index('ix_orders_paid_created_at', 'orders', ['created_at'], postgresql_where=sa.text(PAID))
    op.create_index('ix_payment_refunds_created_at', 'payment_refunds', ['created_at'])
    _tables()
    op.execute(BASE_PRICE)
    op.execute(MARK_CHANGED)
    for table, event in TRIGGERS:
        op.execute(_trigger(table, event))
    op.execute("INSERT INTO analytics_changes (day) SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM orders"
               " UNION SELECT (created_at AT TIME ZONE 'UTC')::date FROM payment_refunds")


def downgrade() -> None:
    for table, event in TRIGGERS:
        op.execute(f"DROP TRIGGER {table}_analytics_{event} ON {table}")
    op.execute("DROP FUNCTION analytics_mark_changed()")
    op.execute("DROP TRIGGER orders_base_price ON orders")
    op.execute("DROP FUNCTION orders_base_price()")
    op.drop_table('analytics_changes')
    op.drop_index('ix_analytics_blocks_cover', table_name='analytics_blocks')
    op.drop_index('ix_analytics_daily_cover', table_name='analytics_daily')
    op.drop_index('ix_analytics_buyer_days_prev_day_day', table_name='analytics_buyer_days')
    op.drop_index('ix_analytics_buyer_days_day_prev_day', table_name='analytics_buyer_days')
    op.drop_table('analytics_buyer_days')
    op.drop_table('analytics_buyer_weeks')
    op.drop_table('analytics_blocks')
    op.drop_table('analytics_daily')
    op.drop_index('ix_payment_refunds_created_at', table_name='payment_refunds')
    op.drop_index('ix_orders_paid_created_at', table_name='orders')
    op.drop_column('orders', 'base_price_cents')
