"""The core tables (the seed document's schema, tightened).

Conventions: bigint identity keys internally, readable display ids (`UID001`, `OID001`) drawn
from sequences by the database; money as integer minor units plus an ISO currency (provider
costs in `*_micros`, millionths of the currency unit, which keeps eSIM Access's 1/10,000 USD
exact); timezone-aware timestamps; statuses as `StrEnum`s checked by the database. Only
migrations create tables.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _id() -> Any:
    return Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))


def _created() -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def _updated() -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(
            sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now(), onupdate=sa.func.now()
        ),
    )


def _when(*, index: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True), index=index))


def _json() -> Any:
    return Field(
        default_factory=dict,
        sa_column=sa.Column(pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )


def _fk(
    target: str, *, nullable: bool = True, index: bool = True, ondelete: str = "RESTRICT", use_alter: bool = False
) -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey(target, ondelete=ondelete, use_alter=use_alter),
            nullable=nullable,
            index=index,
        ),
    )


def _display_id(sequence: str, prefix: str) -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(
            sa.String(16),
            nullable=False,
            unique=True,
            server_default=sa.text(f"next_display_id('{prefix}', '{sequence}')"),
        ),
    )


def _check_in(column: str, values: type[enum.StrEnum]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_valid")


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    ENTERPRISE = "enterprise"
    ADMIN = "admin"


class OrderStatus(enum.StrEnum):
    PENDING = "pending"  # created, not paid
    PAID = "paid"
    PROVISIONING = "provisioning"
    COMPLETED = "completed"
    FAILED = "failed"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


class OrderKind(enum.StrEnum):
    ESIM = "esim"
    TOPUP = "topup"


class EsimStatus(enum.StrEnum):
    NOT_INSTALLED = "not_installed"
    ACTIVE = "active"
    USED_UP = "used_up"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class PackageKind(enum.StrEnum):
    LOCAL = "local"
    REGIONAL = "regional"
    GLOBAL = "global"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class SettingType(enum.StrEnum):
    STR = "str"
    INT = "int"
    BOOL = "bool"
    DECIMAL = "decimal"
    JSON = "json"


class User(SQLModel, table=True):
    """A customer. Created on first successful one-time-code login."""

    __tablename__ = "users"

    id: int | None = _id()
    display_id: str | None = _display_id("users_display_id_seq", "UID")
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False, unique=True))
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    country: str | None = Field(default=None, max_length=2)
    language: str = Field(default="en", max_length=8)
    currency: str = Field(default="USD", max_length=3)
    is_verified: bool = False
    is_active: bool = True
    created_at: dt.datetime | None = _created()
    updated_at: dt.datetime | None = _updated()


class LoginCode(SQLModel, table=True):
    """An emailed one-time code. Only its hash is kept; a code dies after expiry or 5 wrong tries."""

    __tablename__ = "login_codes"
    __table_args__ = (sa.Index("ix_login_codes_email_created", "email", "created_at"),)

    id: int | None = _id()
    email: str = Field(max_length=254)
    code_hash: str = Field(max_length=128)
    attempts: int = 0
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    consumed_at: dt.datetime | None = _when()
    ip: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime | None = _created()


class Admin(SQLModel, table=True):
    __tablename__ = "admins"

    id: int | None = _id()
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False, unique=True))
    name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=128)  # bcrypt, cost 12
    is_active: bool = True
    last_login_at: dt.datetime | None = _when()
    created_at: dt.datetime | None = _created()


class EnterpriseAccount(SQLModel, table=True):
    __tablename__ = "enterprise_accounts"
    __table_args__ = (sa.CheckConstraint("status IN ('active', 'suspended')", name="status_valid"),)

    id: int | None = _id()
    company_name: str = Field(max_length=200)
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False, unique=True))
    password_hash: str = Field(max_length=128)
    phone: str | None = Field(default=None, max_length=32)
    country: str | None = Field(default=None, max_length=2)
    status: str = Field(default="active", max_length=16)
    credit_limit_cents: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    currency: str = Field(default="USD", max_length=3)
    created_at: dt.datetime | None = _created()
    updated_at: dt.datetime | None = _updated()


class AuthSession(SQLModel, table=True):
    """A login. The browser holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "auth_sessions"
    __table_args__ = (
        _check_in("role", Role),
        sa.CheckConstraint(
            "(user_id IS NOT NULL)::int + (admin_id IS NOT NULL)::int"
            " + (enterprise_account_id IS NOT NULL)::int = 1",
            name="one_principal",
        ),
    )

    id: int | None = _id()
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    role: str = Field(max_length=16)
    user_id: int | None = _fk("users.id", ondelete="CASCADE")
    admin_id: int | None = _fk("admins.id", ondelete="CASCADE")
    enterprise_account_id: int | None = _fk("enterprise_accounts.id", ondelete="CASCADE")
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    revoked_at: dt.datetime | None = _when()
    last_seen_at: dt.datetime | None = _when()
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=400)
    created_at: dt.datetime | None = _created()


class Package(SQLModel, table=True):
    """One provider's offer, normalised (the seed's unified_packages).

    Offers that are equivalent (same coverage, data, validity, unlimited flag) share a
    `group_key`; the cheapest enabled one in a group is marked `is_best_price`.
    """

    __tablename__ = "packages"
    __table_args__ = (
        sa.UniqueConstraint("provider_id", "provider_package_id"),
        _check_in("kind", PackageKind),
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

    id: int | None = _id()
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
    vanished_at: dt.datetime | None = _when()
    raw: dict[str, Any] = _json()
    last_synced_at: dt.datetime | None = _when()
    created_at: dt.datetime | None = _created()


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        _check_in("status", OrderStatus),
        _check_in("kind", OrderKind),
        sa.Index("ix_orders_status", "status"),
        sa.Index("ix_orders_user_id", "user_id"),
        sa.Index("ix_orders_status_check", "status", "last_status_check"),
    )

    id: int | None = _id()
    display_id: str | None = _display_id("orders_display_id_seq", "OID")
    kind: str = Field(default=OrderKind.ESIM, max_length=16)
    user_id: int | None = _fk("users.id", index=False)
    enterprise_account_id: int | None = _fk("enterprise_accounts.id")
    package_id: int = _fk("packages.id", nullable=False)
    topup_of_esim_id: int | None = _fk("esims.id", index=False, use_alter=True)  # esims -> orders too
    quantity: int = 1
    provider_id: str | None = Field(default=None, max_length=32)
    provider_order_id: str | None = Field(default=None, max_length=200)
    client_reference: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    cost_micros: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    price_cents: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    currency: str = Field(default="USD", max_length=3)
    status: str = Field(default=OrderStatus.PENDING, max_length=16)
    retry_count: int = 0
    last_retry_at: dt.datetime | None = _when()
    next_retry_at: dt.datetime | None = _when()
    last_status_check: dt.datetime | None = _when()
    failure_reason: str | None = None
    stripe_payment_intent_id: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(255), unique=True)
    )
    payment_status: str | None = Field(default=None, max_length=32)
    created_at: dt.datetime | None = _created()
    updated_at: dt.datetime | None = _updated()


class Esim(SQLModel, table=True):
    """A provisioned eSIM. The activation string is secret: never logged, shown only to its owner."""

    __tablename__ = "esims"
    __table_args__ = (
        sa.UniqueConstraint("provider_id", "iccid"),
        _check_in("status", EsimStatus),
        sa.Index("ix_esims_status_usage", "status", "usage_updated_at"),
    )

    id: int | None = _id()
    display_id: str | None = _display_id("esims_display_id_seq", "ESM")
    order_id: int = _fk("orders.id", nullable=False)
    user_id: int | None = _fk("users.id")
    enterprise_account_id: int | None = _fk("enterprise_accounts.id")
    provider_id: str = Field(max_length=32)
    iccid: str = Field(max_length=32)
    provider_esim_ref: str | None = Field(default=None, max_length=200)
    lpa: str = Field(max_length=400)
    smdp_address: str = Field(max_length=200)
    matching_id: str = Field(max_length=200)
    status: str = Field(default=EsimStatus.NOT_INSTALLED, max_length=16)
    used_mb: int = 0
    total_mb: int | None = None
    unlimited: bool = False
    expires_at: dt.datetime | None = _when()
    usage_updated_at: dt.datetime | None = _when()
    raw: dict[str, Any] = _json()
    created_at: dt.datetime | None = _created()


class Setting(SQLModel, table=True):
    """Operator-tunable values (margins, rounding, intervals) with their type."""

    __tablename__ = "settings"
    __table_args__ = (_check_in("value_type", SettingType),)

    key: str = Field(primary_key=True, max_length=100)
    value: str
    value_type: str = Field(default=SettingType.STR, max_length=16)
    description: str = ""
    updated_by_admin_id: int | None = _fk("admins.id", index=False, ondelete="SET NULL")
    updated_at: dt.datetime | None = _updated()


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: int | None = _id()
    actor_type: str = Field(max_length=16)  # admin, customer, enterprise, system
    actor_id: int | None = None
    action: str = Field(max_length=100)
    entity_type: str = Field(max_length=50)
    entity_id: str = Field(max_length=64)
    details: dict[str, Any] = _json()
    ip: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime | None = _created()


class EmailOutbox(SQLModel, table=True):
    """Mail to send, written in the same transaction as the event that causes it."""

    __tablename__ = "email_outbox"
    __table_args__ = (
        _check_in("status", OutboxStatus),
        sa.Index("ix_email_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = _id()
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    text_body: str
    html_body: str
    template: str = Field(max_length=64)
    # [{"filename", "content_type", "data" (base64), "cid" (set when shown inline in the HTML)}]
    attachments: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=sa.Column(pg.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    )
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: dt.datetime | None = _created()
    last_error: str | None = None
    sent_at: dt.datetime | None = _when()
    created_at: dt.datetime | None = _created()


class JobRun(SQLModel, table=True):
    __tablename__ = "job_runs"
    __table_args__ = (sa.Index("ix_job_runs_job_started", "job", "started_at"),)

    id: int | None = _id()
    job: str = Field(max_length=64)
    started_at: dt.datetime | None = _created()
    finished_at: dt.datetime | None = _when()
    processed: int = 0
    failed: int = 0
    error: str | None = None
    host: str | None = Field(default=None, max_length=120)


class LoginAttempt(SQLModel, table=True):
    """One sign-in try (code request, code check or password), for rate limits across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_email_created", "email", "created_at"),
        sa.Index("ix_login_attempts_ip_created", "ip", "created_at"),
    )

    id: int | None = _id()
    kind: str = Field(max_length=16)  # code_request, code_check, password
    email: str = Field(max_length=254)
    ip: str | None = Field(default=None, max_length=64)
    succeeded: bool = False
    created_at: dt.datetime | None = _created()


class StripeEvent(SQLModel, table=True):
    """A Stripe webhook event received, by its id, so a redelivered event is processed once."""

    __tablename__ = "stripe_events"

    event_id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=100)
    received_at: dt.datetime | None = _created()
    processed_at: dt.datetime | None = _when()
    order_id: int | None = _fk("orders.id")
    outcome: str | None = Field(default=None, max_length=32)  # paid, payment_failed, refunded, ignored, ...


class TicketStatus(enum.StrEnum):
    OPEN = "open"  # waiting for staff
    AWAITING_CUSTOMER = "awaiting_customer"
    CLOSED = "closed"


class TicketAuthor(enum.StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"


class SupportTicket(SQLModel, table=True):
    """A customer's question, optionally about one of their orders."""

    __tablename__ = "support_tickets"
    __table_args__ = (
        _check_in("status", TicketStatus),
        sa.Index("ix_support_tickets_user_id_updated", "user_id", "updated_at"),
        sa.Index("ix_support_tickets_status_updated", "status", "updated_at"),
    )

    id: int | None = _id()
    display_id: str | None = _display_id("support_tickets_display_id_seq", "TKT")
    user_id: int = _fk("users.id", nullable=False, index=False, ondelete="CASCADE")
    order_id: int | None = _fk("orders.id", ondelete="SET NULL")
    subject: str = Field(max_length=200)
    status: str = Field(default=TicketStatus.OPEN, max_length=20)
    closed_at: dt.datetime | None = _when()
    created_at: dt.datetime | None = _created()
    updated_at: dt.datetime | None = _updated()


class SupportMessage(SQLModel, table=True):
    """One message of a ticket's thread, by the customer or by staff (`admin_id`)."""

    __tablename__ = "support_messages"
    __table_args__ = (
        _check_in("author", TicketAuthor),
        sa.Index("ix_support_messages_ticket_id_created", "ticket_id", "created_at"),
    )

    id: int | None = _id()
    ticket_id: int = _fk("support_tickets.id", nullable=False, index=False, ondelete="CASCADE")
    author: str = Field(max_length=16)
    admin_id: int | None = _fk("admins.id", index=False, ondelete="SET NULL")
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: dt.datetime | None = _created()


class RefundStatus(enum.StrEnum):
    REQUESTED = "requested"  # recorded; provider not yet asked
    PROVIDER_DONE = "provider_done"  # cancelled at the provider, or nothing to cancel there
    COMPLETED = "completed"  # refunded through Stripe
    FAILED = "failed"  # the provider refused to cancel; nothing was refunded


class RefundRequest(SQLModel, table=True):
    """The one refund of an order and how far it got; each step is also in `audit_log`."""

    __tablename__ = "refund_requests"
    __table_args__ = (_check_in("status", RefundStatus),)

    id: int | None = _id()
    order_id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("orders.id", ondelete="RESTRICT"),
                                              nullable=False, unique=True))
    status: str = Field(default=RefundStatus.REQUESTED, max_length=16)
    requested_by: str = Field(max_length=16)  # customer, admin
    actor_id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))
    reason: str = Field(max_length=500)
    provider_outcome: str | None = Field(default=None, max_length=32)  # cancelled, unsupported, skipped
    stripe_refund_id: str | None = Field(default=None, max_length=255)
    amount_cents: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))
    error: str | None = Field(default=None, max_length=500)
    completed_at: dt.datetime | None = _when()
    created_at: dt.datetime | None = _created()
    updated_at: dt.datetime | None = _updated()


class ProviderWebhookEvent(SQLModel, table=True):
    """A provider webhook received, by the provider's event key, so a redelivery is applied once."""

    __tablename__ = "provider_webhook_events"

    provider_id: str = Field(primary_key=True, max_length=32)
    event_key: str = Field(primary_key=True, max_length=200)
    kind: str = Field(max_length=64)
    received_at: dt.datetime | None = _created()
    processed_at: dt.datetime | None = _when()
    outcome: str | None = Field(default=None, max_length=32)


class EsimNotice(SQLModel, table=True):
    """A usage or expiry notice sent for an eSIM (usage_80, usage_100, expiring): one row, one email."""

    __tablename__ = "esim_notices"

    esim_id: int = Field(
        sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("esims.id", ondelete="CASCADE"), primary_key=True)
    )
    kind: str = Field(primary_key=True, max_length=16)
    sent_at: dt.datetime | None = _created()
