"""What is sold and bought: packages, orders, eSIMs, payments events, refunds, provider webhooks, notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Field, SQLModel

from services.core.models.enums import EsimStatus, OrderKind, OrderStatus, PackageKind, RefundStatus
from services.core.models.fields import (
    check_in,
    created_column,
    encrypted_column,
    encrypted_json_column,
    fk,
    jsonb_column,
    pk,
    random_id_column,
    timestamp_column,
    updated_column,
)


class Package(SQLModel, table=True):
    """One provider's offer, normalised (the seed's unified_packages).

    Offers that are equivalent (same coverage, data, validity, unlimited flag) share a
    `group_key`; the cheapest enabled one in a group is marked `is_best_price`.
    """

    __tablename__ = "packages"
    __table_args__ = (
        sa.UniqueConstraint("provider_id", "provider_package_id"),
        check_in("kind", PackageKind),
        sa.Index("ix_packages_destination_code", "destination_code"),
        sa.Index("ix_packages_provider_id", "provider_id"),
        sa.Index("ix_packages_is_best_price", "is_best_price"),
        sa.Index("ix_packages_group_key", "group_key"),
        sa.Index("ix_packages_coverage", "coverage", postgresql_using="gin"),
        sa.Index(  # the storefront's country and region pages
            "ix_packages_storefront",
            "destination_code",
            "price_cents",
            postgresql_where=sa.text("is_enabled AND NOT is_topup AND vanished_at IS NULL"),
        ),
    )

    id: int | None = pk()
    slug: str = Field(sa_column=sa.Column(sa.String(120), nullable=False, unique=True))
    provider_id: str = Field(max_length=32)
    provider_package_id: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    destination_code: str = Field(max_length=16)  # ISO alpha-2, or a region slug / "global"
    destination_name: str = Field(max_length=120)
    coverage: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(pg.ARRAY(sa.String(2)), nullable=False, server_default="{}"),
    )
    name: str = Field(max_length=200)
    operator: str | None = Field(default=None, max_length=120)
    data_mb: int | None = None  # nominal MB, 1 GB = 1024 MB; None when unlimited
    unlimited: bool = False
    validity_days: int
    is_topup: bool = False
    supports_topup: bool = Field(  # the provider can recharge an eSIM bought with this offer
        default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    )
    cost_micros: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    cost_currency: str = Field(default="USD", max_length=3)
    price_cents: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    currency: str = Field(default="USD", max_length=3)
    group_key: str = Field(max_length=200)
    is_best_price: bool = False
    is_enabled: bool = True
    auto_mode: bool = True  # False once an admin set is_enabled by hand; sync keeps that choice
    vanished_at: dt.datetime | None = timestamp_column()
    raw: dict[str, Any] = jsonb_column()
    last_synced_at: dt.datetime | None = timestamp_column()
    created_at: dt.datetime | None = created_column()


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        check_in("status", OrderStatus),
        check_in("kind", OrderKind),
        sa.CheckConstraint("fx_rate > 0", name="fx_rate_positive"),
        sa.Index("ix_orders_status", "status"),
        sa.Index("ix_orders_user_id", "user_id"),
        sa.Index("ix_orders_status_check", "status", "last_status_check"),
        # the admin order list: newest first, keyset on (created_at, id), alone, after one filter or status + provider
        sa.Index("ix_orders_created_at_id", "created_at", "id"),
        sa.Index("ix_orders_status_created_at_id", "status", "created_at", "id"),
        sa.Index("ix_orders_provider_id_created_at_id", "provider_id", "created_at", "id"),
        sa.Index("ix_orders_status_provider_id_created_at_id", "status", "provider_id", "created_at", "id"),
        sa.Index("ix_orders_user_id_created_at_id", "user_id", "created_at", "id"),
        sa.Index(  # the analytics rollup recomputes one day's paid orders at a time
            "ix_orders_paid_created_at",
            "created_at",
            postgresql_where=sa.text("status IN ('paid', 'provisioning', 'completed', 'failed', 'refunded')"),
        ),
    )

    id: int | None = pk()
    display_id: str | None = random_id_column("OID", "orders")
    kind: str = Field(default=OrderKind.ESIM, max_length=16)
    user_id: int | None = fk("users.id", index=False)
    enterprise_account_id: int | None = fk("enterprise_accounts.id")
    bulk_order_id: int | None = fk("bulk_orders.id")  # one eSIM of a company's bulk order
    package_id: int = fk("packages.id", nullable=False)
    topup_of_esim_id: int | None = fk("esims.id", index=False, use_alter=True)  # esims -> orders too
    quantity: int = 1
    provider_id: str | None = Field(default=None, max_length=32)
    provider_order_id: str | None = Field(default=None, max_length=200)
    client_reference: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    cost_micros: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    price_cents: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    currency: str = Field(default="USD", max_length=3)  # `price_cents` is in its minor units (Babel's)
    # Units of `currency` per 1 USD when the order was created (services.store.currencies); 1 for USD.
    fx_rate: Decimal = Field(default=Decimal(1), sa_column=sa.Column(sa.Numeric(18, 8), nullable=False,
                                                                      server_default="1"))
    # The price in the store's base currency (USD cents) at `fx_rate`, fixed when the order is created; analytics
    # sum this. A database trigger fills it from `price_cents` for USD orders and refuses other currencies without it.
    base_price_cents: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=False))
    status: str = Field(default=OrderStatus.PENDING, max_length=16)
    retry_count: int = 0
    last_retry_at: dt.datetime | None = timestamp_column()
    next_retry_at: dt.datetime | None = timestamp_column()
    last_status_check: dt.datetime | None = timestamp_column()
    failure_reason: str | None = None
    stripe_payment_intent_id: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(255), unique=True)
    )
    payment_status: str | None = Field(default=None, max_length=32)
    refunded_cents: int = Field(  # the sum of `payment_refunds`; the order is refunded once it reaches the price
        default=0, sa_column=sa.Column(sa.BigInteger, nullable=False, server_default="0")
    )
    created_at: dt.datetime | None = created_column()
    updated_at: dt.datetime | None = updated_column()


class PaymentRefund(SQLModel, table=True):
    """One Stripe refund of an order's payment, by its id, so a refund is counted once however it is reported."""

    __tablename__ = "payment_refunds"
    __table_args__ = (sa.Index("ix_payment_refunds_created_at", "created_at"),)

    refund_id: str = Field(primary_key=True, max_length=255)
    order_id: int = fk("orders.id", nullable=False)
    amount_cents: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    created_at: dt.datetime | None = created_column()


class CardChargeAttempt(SQLModel, table=True):
    """A card charge at checkout: `pending` while Stripe is asked, then `declined` or deleted.

    The per-customer daily cap on declined cards counts these rows (pending ones too, so parallel
    attempts cannot slip past it); being rows, the count is shared by every worker.
    """

    __tablename__ = "card_attempts"
    __table_args__ = (sa.Index("ix_card_attempts_user_id_created", "user_id", "created_at"),)

    id: int | None = pk()
    user_id: int = fk("users.id", nullable=False, index=False, ondelete="CASCADE")
    order_id: int | None = fk("orders.id", index=False, ondelete="SET NULL")
    outcome: str = Field(default="pending", max_length=16)  # pending, declined
    reason: str | None = Field(default=None, max_length=64)  # the decline's code
    created_at: dt.datetime | None = created_column()


class Esim(SQLModel, table=True):
    """A provisioned eSIM. The activation string is secret: never logged, shown only to its owner."""

    __tablename__ = "esims"
    __table_args__ = (
        sa.UniqueConstraint("provider_id", "iccid"),
        check_in("status", EsimStatus),
        sa.Index("ix_esims_status_usage", "status", "usage_updated_at"),
        sa.Index("ix_esims_iccid", "iccid"),  # staff search by ICCID
    )

    id: int | None = pk()
    display_id: str | None = random_id_column("ESM", "esims")
    order_id: int = fk("orders.id", nullable=False)
    user_id: int | None = fk("users.id")
    enterprise_account_id: int | None = fk("enterprise_accounts.id")
    provider_id: str = Field(max_length=32)
    iccid: str = Field(max_length=32)
    provider_esim_ref: str | None = Field(default=None, max_length=200)
    lpa: str = encrypted_column()
    smdp_address: str = Field(max_length=200)
    matching_id: str = encrypted_column()
    status: str = Field(default=EsimStatus.NOT_INSTALLED, max_length=16)
    used_mb: int = 0
    total_mb: int | None = None
    unlimited: bool = False
    expires_at: dt.datetime | None = timestamp_column()
    usage_updated_at: dt.datetime | None = timestamp_column()
    raw: dict[str, Any] = encrypted_json_column()
    created_at: dt.datetime | None = created_column()


class StripeEvent(SQLModel, table=True):
    """A Stripe webhook event received, by its id, so a redelivered event is processed once."""

    __tablename__ = "stripe_events"

    event_id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=100)
    received_at: dt.datetime | None = created_column()
    processed_at: dt.datetime | None = timestamp_column()
    order_id: int | None = fk("orders.id")
    outcome: str | None = Field(default=None, max_length=32)  # paid, payment_failed, refunded, ignored, ...


class RefundRequest(SQLModel, table=True):
    """The one refund of an order and how far it got; each step is also in `audit_log`."""

    __tablename__ = "refund_requests"
    __table_args__ = (check_in("status", RefundStatus),)

    id: int | None = pk()
    order_id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("orders.id", ondelete="RESTRICT"),
                                              nullable=False, unique=True))
    status: str = Field(default=RefundStatus.REQUESTED, max_length=16)
    requested_by: str = Field(max_length=16)  # customer, admin
    actor_id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))
    reason: str = Field(max_length=500)
    # cancelled, unsupported, skipped; or why staff must review: in_use, unverified, unreachable, refused
    provider_outcome: str | None = Field(default=None, max_length=32)
    stripe_refund_id: str | None = Field(default=None, max_length=255)
    amount_cents: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))
    error: str | None = Field(default=None, max_length=500)
    decided_by: int | None = fk("admins.id", index=False, ondelete="SET NULL")  # the staff member who reviewed it
    decided_at: dt.datetime | None = timestamp_column()
    completed_at: dt.datetime | None = timestamp_column()
    created_at: dt.datetime | None = created_column()
    updated_at: dt.datetime | None = updated_column()


class ProviderWebhookEvent(SQLModel, table=True):
    """A provider webhook received, by the provider's event key, so a redelivery is applied once."""

    __tablename__ = "provider_webhook_events"

    provider_id: str = Field(primary_key=True, max_length=32)
    event_key: str = Field(primary_key=True, max_length=200)
    kind: str = Field(max_length=64)
    received_at: dt.datetime | None = created_column()
    processed_at: dt.datetime | None = timestamp_column()
    outcome: str | None = Field(default=None, max_length=32)


class EsimNotice(SQLModel, table=True):
    """A usage or expiry notice sent for an eSIM (usage_80, usage_100, expiring): one row, one email."""

    __tablename__ = "esim_notices"

    esim_id: int = Field(
        sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("esims.id", ondelete="CASCADE"), primary_key=True)
    )
    kind: str = Field(primary_key=True, max_length=16)
    sent_at: dt.datetime | None = created_column()
