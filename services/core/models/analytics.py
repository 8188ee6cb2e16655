"""Daily rollups behind the admin dashboard's figures (see `services.admin.rollup`).

Statement triggers on `orders` and `payment_refunds` (in the migration) append the UTC day each
change touches to `analytics_changes` (append-only, so a checkout never waits on another's row);
`services.admin.rollup.refresh` takes those rows and recomputes exactly those days from the
source rows before the dashboard reads. Amounts are in the store's base currency (USD).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from services.core.models.fields import pk

# The rollups' figures, carried in the read indexes so the dashboard's reads are index-only scans.
COVER = ["key", "label", "orders", "topups", "revenue_cents", "enterprise_cents", "cost_micros", "refunds",
         "refunds_cents"]


class AnalyticsDaily(SQLModel, table=True):
    """One UTC day's figures, in total (`dim` "total", `key` "") and split by provider, destination and plan."""

    __tablename__ = "analytics_daily"
    __table_args__ = (sa.Index("ix_analytics_daily_cover", "dim", "day", postgresql_include=COVER),)

    dim: str = Field(sa_column=sa.Column(sa.String(16), primary_key=True))  # total, provider, destination, plan
    day: dt.date = Field(sa_column=sa.Column(sa.Date, primary_key=True))
    key: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    label: str = Field(default="", max_length=200)
    orders: int = 0  # paid orders placed that day (top-ups included)
    topups: int = 0
    revenue_cents: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    enterprise_cents: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    cost_micros: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    refunds: int = 0  # refunds paid out that day
    refunds_cents: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))


class AnalyticsBlock(SQLModel, table=True):
    """The days of one completed week (Monday first) or calendar month summed, per dim and key, so a long
    range reads a few blocks instead of every day; its "total" row (always written) marks it as built."""

    __tablename__ = "analytics_blocks"
    __table_args__ = (sa.Index("ix_analytics_blocks_cover", "dim", "grain", "start", postgresql_include=COVER),)

    dim: str = Field(sa_column=sa.Column(sa.String(16), primary_key=True))
    grain: str = Field(sa_column=sa.Column(sa.String(8), primary_key=True))  # week, month
    start: dt.date = Field(sa_column=sa.Column(sa.Date, primary_key=True))
    key: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    label: str = Field(default="", max_length=200)
    orders: int = 0
    topups: int = 0
    revenue_cents: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    enterprise_cents: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    cost_micros: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    refunds: int = 0
    refunds_cents: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))


class AnalyticsBuyerWeek(SQLModel, table=True):
    """Buyer rows of a completed week counted by how many weeks before it each buyer's previous day
    fell (`gap`, -1 for none), so distinct buyers of a long range need no pass over every buyer."""

    __tablename__ = "analytics_buyer_weeks"

    week: dt.date = Field(sa_column=sa.Column(sa.Date, primary_key=True))
    gap: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    buyers: int = 0


class AnalyticsBuyerDay(SQLModel, table=True):
    """A buyer (customer, or company for enterprise orders) with a paid order on `day`, and the
    buyer's previous such day: counting rows of a range whose `prev_day` is before it counts each
    buyer once, without a DISTINCT over the orders."""

    __tablename__ = "analytics_buyer_days"
    __table_args__ = (
        sa.Index("ix_analytics_buyer_days_day_prev_day", "day", "prev_day"),
        sa.Index("ix_analytics_buyer_days_prev_day_day", "prev_day", "day"),
    )

    buyer_key: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True))  # user id; -company id
    day: dt.date = Field(sa_column=sa.Column(sa.Date, primary_key=True))
    prev_day: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date))


class AnalyticsChange(SQLModel, table=True):
    """A UTC day whose rollup rows are out of date, appended by database triggers (no unique key: no waits)."""

    __tablename__ = "analytics_changes"

    id: int | None = pk()
    day: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
