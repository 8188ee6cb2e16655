"""Company purchases: bulk orders and their lines, volume tiers, and the credit ledger.

A `BulkOrder` buys many eSIMs at once for a company, paid on account (a ledger charge within the
credit limit) or by card (one Stripe PaymentIntent for the total). Each eSIM it buys is an
ordinary `Order` row (`orders.bulk_order_id`), fulfilled by the orders domain, so a retry never
buys twice. The ledger holds charges, payments and credit notes as positive amounts; a company's
outstanding balance is charges minus payments minus credit notes.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Field, SQLModel

from services.core.models.fields import (
    check_in,
    created_column,
    fk,
    pk,
    random_id_column,
    timestamp_column,
    updated_column,
)


class BulkOrderStatus(enum.StrEnum):
    PENDING = "pending"  # card: waiting for the payment
    PROVISIONING = "provisioning"  # paid (charged to the account or by card); eSIMs being bought
    COMPLETED = "completed"  # every eSIM delivered
    FAILED = "failed"  # done, some eSIMs could not be delivered (retryable from the order page)
    CANCELLED = "cancelled"


class BulkPayment(enum.StrEnum):
    ACCOUNT = "account"
    CARD = "card"


class LedgerKind(enum.StrEnum):
    CHARGE = "charge"  # raises what the company owes
    PAYMENT = "payment"  # lowers it (recorded by staff)
    CREDIT_NOTE = "credit_note"  # lowers it (staff, or eSIMs that could not be delivered)


class BulkOrder(SQLModel, table=True):
    __tablename__ = "bulk_orders"
    __table_args__ = (
        check_in("status", BulkOrderStatus),
        check_in("payment_method", BulkPayment),
        sa.UniqueConstraint("enterprise_account_id", "idempotency_key"),
        sa.CheckConstraint("total_cents >= 0", name="total_not_negative"),
    )

    id: int | None = pk()
    display_id: str | None = random_id_column("BLK", "bulk_orders")
    enterprise_account_id: int = fk("enterprise_accounts.id", nullable=False)
    created_by: int | None = fk("enterprise_users.id", index=False, ondelete="SET NULL")
    # The accepted quote it came from; one order per quote.
    quote_id: int | None = Field(default=None, sa_column=sa.Column(
        sa.BigInteger, sa.ForeignKey("enterprise_quotes.id", ondelete="SET NULL"), unique=True))
    total_cents: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    currency: str = Field(default="USD", max_length=3)
    payment_method: str = Field(max_length=16)
    status: str = Field(default=BulkOrderStatus.PENDING, max_length=16)
    idempotency_key: str = Field(max_length=64)
    stripe_payment_intent_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(255), unique=True))
    paid_at: dt.datetime | None = timestamp_column()
    completed_at: dt.datetime | None = timestamp_column()
    created_at: dt.datetime | None = created_column()
    updated_at: dt.datetime | None = updated_column()


class BulkOrderLine(SQLModel, table=True):
    """One plan of a bulk order: how many, at what unit price (list price less a tier, or the quote's).
    A top-up line names the company's eSIMs it tops up (`topup_esim_ids`, one per unit) instead of
    buying new ones."""

    __tablename__ = "bulk_order_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_cents >= 0", name="unit_price_not_negative"),
        sa.CheckConstraint("topup_esim_ids IS NULL OR cardinality(topup_esim_ids) = quantity",
                           name="one_topup_per_unit"),
    )

    id: int | None = pk()
    bulk_order_id: int = fk("bulk_orders.id", nullable=False, ondelete="CASCADE")
    package_id: int = fk("packages.id", nullable=False, index=False)
    quantity: int
    unit_price_cents: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    topup_esim_ids: list[int] | None = Field(default=None, sa_column=sa.Column(pg.ARRAY(sa.BigInteger), nullable=True))


class VolumeTier(SQLModel, table=True):
    """From `min_quantity` eSIMs in one order, `discount_bp` (basis points, 1/100 %) off the list price."""

    __tablename__ = "volume_tiers"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_account_id", "min_quantity"),
        sa.CheckConstraint("min_quantity > 0", name="min_quantity_positive"),
        sa.CheckConstraint("discount_bp BETWEEN 1 AND 9000", name="discount_in_range"),
    )

    id: int | None = pk()
    enterprise_account_id: int = fk("enterprise_accounts.id", nullable=False, index=False, ondelete="CASCADE")
    min_quantity: int
    discount_bp: int
    created_at: dt.datetime | None = created_column()


class LedgerEntry(SQLModel, table=True):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        check_in("kind", LedgerKind),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.Index("ix_ledger_entries_company_created", "enterprise_account_id", "created_at"),
        sa.Index("uq_ledger_entries_bulk_charge", "bulk_order_id", unique=True,  # one charge per order
                 postgresql_where=sa.text("kind = 'charge'")),
    )

    id: int | None = pk()
    enterprise_account_id: int = fk("enterprise_accounts.id", nullable=False, index=False)
    kind: str = Field(max_length=16)
    amount_cents: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    currency: str = Field(default="USD", max_length=3)
    bulk_order_id: int | None = fk("bulk_orders.id")
    note: str = Field(default="", max_length=500)
    admin_id: int | None = fk("admins.id", index=False, ondelete="SET NULL")  # staff who recorded it
    enterprise_user_id: int | None = fk("enterprise_users.id", index=False, ondelete="SET NULL")
    created_at: dt.datetime | None = created_column()
