"""Company eSIMs handed to employees: one `EsimAllocation` row per recipient of an eSIM.

The database guarantees at most one live (not revoked) allocation per eSIM with a unique partial
index, whatever the application does. The emailed install link's token is kept only as SHA-256.
Revoking an allocation kills its link and puts an unused eSIM back in stock; the row stays as history.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from services.core.models.fields import created_column, fk, pk, timestamp_column


class EsimAllocation(SQLModel, table=True):
    __tablename__ = "esim_allocations"
    __table_args__ = (
        sa.Index("uq_esim_allocations_live_esim", "esim_id", unique=True,
                 postgresql_where=sa.text("revoked_at IS NULL")),
        sa.Index("ix_esim_allocations_esim_id", "esim_id"),
        sa.Index("ix_esim_allocations_company_created", "enterprise_account_id", "created_at"),
    )

    id: int | None = pk()
    esim_id: int = fk("esims.id", nullable=False, index=False, ondelete="CASCADE")
    enterprise_account_id: int = fk("enterprise_accounts.id", nullable=False, index=False, ondelete="CASCADE")
    recipient_name: str = Field(max_length=200)
    recipient_email: str = Field(max_length=254)
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    opened_at: dt.datetime | None = timestamp_column()  # first time the install page was shown
    revoked_at: dt.datetime | None = timestamp_column()
    revoked_by: int | None = fk("enterprise_users.id", index=False, ondelete="SET NULL")
    created_by: int | None = fk("enterprise_users.id", index=False, ondelete="SET NULL")
    created_at: dt.datetime | None = created_column()


class CompanyUsageSummary(SQLModel, table=True):
    """A company's daily usage summary email: one row per company and UTC day, inserted in the
    transaction that queues the email, so two schedulers send it once."""

    __tablename__ = "usage_summaries"

    enterprise_account_id: int = Field(sa_column=sa.Column(
        sa.BigInteger, sa.ForeignKey("enterprise_accounts.id", ondelete="CASCADE"), primary_key=True))
    day: dt.date = Field(sa_column=sa.Column(sa.Date, primary_key=True))
    sent_at: dt.datetime | None = created_column()
