"""Running the store: settings, the email outbox, job runs, support tickets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Field, SQLModel

from services.core.models.enums import OutboxStatus, ProviderCallOutcome, SettingType, TicketAuthor, TicketStatus
from services.core.models.fields import (
    check_in,
    created_column,
    fk,
    pk,
    random_id_column,
    timestamp_column,
    updated_column,
)


class Setting(SQLModel, table=True):
    """Operator-tunable values (margins, rounding, intervals) with their type."""

    __tablename__ = "settings"
    __table_args__ = (check_in("value_type", SettingType),)

    key: str = Field(primary_key=True, max_length=100)
    value: str
    value_type: str = Field(default=SettingType.STR, max_length=16)
    description: str = ""
    updated_by_admin_id: int | None = fk("admins.id", index=False, ondelete="SET NULL")
    updated_at: dt.datetime | None = updated_column()


class EmailOutbox(SQLModel, table=True):
    """Mail to send, written in the same transaction as the event that causes it."""

    __tablename__ = "email_outbox"
    __table_args__ = (
        check_in("status", OutboxStatus),
        sa.Index("ix_email_outbox_due", "status", "next_attempt_at"),
        sa.Index("ix_email_outbox_to_address_id", "to_address", "id"),  # an order's emails on its timeline
    )

    id: int | None = pk()
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
    next_attempt_at: dt.datetime | None = created_column()
    last_error: str | None = None
    sent_at: dt.datetime | None = timestamp_column()
    created_at: dt.datetime | None = created_column()


class JobRun(SQLModel, table=True):
    __tablename__ = "job_runs"
    __table_args__ = (sa.Index("ix_job_runs_job_started", "job", "started_at"),)

    id: int | None = pk()
    job: str = Field(max_length=64)
    started_at: dt.datetime | None = created_column()
    finished_at: dt.datetime | None = timestamp_column()
    processed: int = 0
    failed: int = 0
    error: str | None = None
    host: str | None = Field(default=None, max_length=120)


class SupportTicket(SQLModel, table=True):
    """A customer's question, optionally about one of their orders."""

    __tablename__ = "support_tickets"
    __table_args__ = (
        check_in("status", TicketStatus),
        sa.Index("ix_support_tickets_user_id_updated", "user_id", "updated_at"),
        sa.Index("ix_support_tickets_status_updated", "status", "updated_at"),
    )

    id: int | None = pk()
    display_id: str | None = random_id_column("TKT", "support_tickets")
    user_id: int = fk("users.id", nullable=False, index=False, ondelete="CASCADE")
    order_id: int | None = fk("orders.id", ondelete="SET NULL")
    subject: str = Field(max_length=200)
    status: str = Field(default=TicketStatus.OPEN, max_length=20)
    assigned_admin_id: int | None = fk("admins.id", ondelete="SET NULL")  # the staff member handling it
    closed_at: dt.datetime | None = timestamp_column()
    created_at: dt.datetime | None = created_column()
    updated_at: dt.datetime | None = updated_column()


class SupportMessage(SQLModel, table=True):
    """One message of a ticket's thread, by the customer or by staff (`admin_id`)."""

    __tablename__ = "support_messages"
    __table_args__ = (
        check_in("author", TicketAuthor),
        sa.Index("ix_support_messages_ticket_id_created", "ticket_id", "created_at"),
    )

    id: int | None = pk()
    ticket_id: int = fk("support_tickets.id", nullable=False, index=False, ondelete="CASCADE")
    author: str = Field(max_length=16)
    admin_id: int | None = fk("admins.id", index=False, ondelete="SET NULL")
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: dt.datetime | None = created_column()


class ProviderCall(SQLModel, table=True):
    """One provider operation (`providers.observe`): for latency, error and rate-limit figures and for
    order timelines. Append-only; the clean-up job deletes rows past `PROVIDER_CALL_RETENTION_DAYS`."""

    __tablename__ = "provider_calls"
    __table_args__ = (
        check_in("outcome", ProviderCallOutcome),
        sa.Index("ix_provider_calls_provider_id_started_at", "provider_id", "started_at"),
        sa.Index("ix_provider_calls_started_at", "started_at"),
        sa.Index("ix_provider_calls_subject", "subject", postgresql_where=sa.text("subject IS NOT NULL")),
    )

    id: int | None = pk()
    provider_id: str = Field(max_length=32)
    operation: str = Field(max_length=32)
    started_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    latency_ms: int
    outcome: str = Field(max_length=16)
    http_status: int | None = Field(default=None, sa_column=sa.Column(sa.SmallInteger))
    error_code: str | None = Field(default=None, max_length=64)
    rate_limit_hits: int = Field(default=0, sa_column=sa.Column(sa.SmallInteger, nullable=False,
                                                                server_default=sa.text("0")))
    subject: str | None = Field(default=None, max_length=120)  # our order reference, provider order id or ICCID
