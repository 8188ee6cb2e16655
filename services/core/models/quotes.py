"""Companies' quote requests and the prices staff answer with.

A quote (`EnterpriseQuote`, public reference `QTE...`) has one or more lines: a catalogue plan, or
a free-text need (countries, data, days) that staff map to a catalogue package when pricing, so an
accepted quote can be provisioned. Status: requested -> priced -> accepted / rejected / expired;
`revision` grows with every send, so an acceptance names the prices it saw.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Field, SQLModel

from services.core.models.fields import check_in, created_column, fk, pk, random_id_column, timestamp_column, updated_column


class QuoteStatus(enum.StrEnum):
    REQUESTED = "requested"  # waiting for staff to price it
    PRICED = "priced"  # sent to the company, valid until `valid_until`
    ACCEPTED = "accepted"  # the bulk order was placed at the quoted prices
    REJECTED = "rejected"
    EXPIRED = "expired"


class EnterpriseQuote(SQLModel, table=True):
    __tablename__ = "enterprise_quotes"
    __table_args__ = (
        check_in("status", QuoteStatus),
        sa.Index("ix_enterprise_quotes_company_created", "enterprise_account_id", "created_at"),
        sa.Index("ix_enterprise_quotes_status_created", "status", "created_at"),
    )

    id: int | None = pk()
    display_id: str | None = random_id_column("QTE", "enterprise_quotes")
    enterprise_account_id: int = fk("enterprise_accounts.id", nullable=False, index=False, ondelete="CASCADE")
    requested_by_user_id: int | None = fk("enterprise_users.id", index=False, ondelete="SET NULL")
    status: str = Field(default=QuoteStatus.REQUESTED, max_length=16)
    wanted_by: dt.date | None = None
    note: str = Field(default="", max_length=2000)
    currency: str = Field(default="USD", max_length=3)
    total_cents: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))
    valid_until: dt.datetime | None = timestamp_column()
    revision: int = 0  # grows with every send of prices
    priced_by_admin_id: int | None = fk("admins.id", index=False, ondelete="SET NULL")
    priced_at: dt.datetime | None = timestamp_column()
    decided_by_user_id: int | None = fk("enterprise_users.id", index=False, ondelete="SET NULL")
    decided_at: dt.datetime | None = timestamp_column()
    bulk_order_ref: str | None = Field(default=None, max_length=32)  # the order accepting it placed
    created_at: dt.datetime | None = created_column()
    updated_at: dt.datetime | None = updated_column()


class EnterpriseQuoteLine(SQLModel, table=True):
    """A catalogue plan (`package_id` from the start) or a free-text need (`package_id` set by staff)."""

    __tablename__ = "enterprise_quote_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_cents IS NULL OR unit_price_cents >= 0", name="price_not_negative"),
        sa.CheckConstraint("is_custom OR package_id IS NOT NULL", name="plan_line_has_package"),
        sa.UniqueConstraint("quote_id", "position"),
    )

    id: int | None = pk()
    quote_id: int = fk("enterprise_quotes.id", nullable=False, index=False, ondelete="CASCADE")
    position: int
    is_custom: bool = False  # a free-text need rather than a catalogue plan
    package_id: int | None = fk("packages.id")
    countries: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(pg.ARRAY(sa.String(2)), nullable=False, server_default="{}"),
    )
    data_gb: int | None = None  # None: unlimited, or not said
    days: int | None = None
    quantity: int
    unit_price_cents: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))
