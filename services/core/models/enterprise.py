"""Company users of the enterprise portal and their emailed password links.

A company is an `EnterpriseAccount` (name, status, credit limit); its people are `EnterpriseUser`
rows, each with one role. Invitations and password resets are `EnterpriseToken` rows holding only
the SHA-256 of the emailed token; one use, then `used_at` is set.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from services.core.models.fields import check_in, created_column, fk, pk, timestamp_column


class CompanyRole(enum.StrEnum):
    ADMIN = "admin"  # everything, manages users
    OPERATIONS = "operations"  # quotes, orders, distribution
    FINANCE = "finance"  # billing, statements, exports
    VIEWER = "viewer"


class TokenPurpose(enum.StrEnum):
    INVITE = "invite"
    RESET = "reset"


class EnterpriseUser(SQLModel, table=True):
    """A person of a company; no password until they follow their invitation."""

    __tablename__ = "enterprise_users"
    __table_args__ = (check_in("role", CompanyRole),)

    id: int | None = pk()
    enterprise_account_id: int = fk("enterprise_accounts.id", nullable=False, ondelete="CASCADE")
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False, unique=True))
    name: str = Field(default="", max_length=200)
    role: str = Field(max_length=16)
    password_hash: str | None = Field(default=None, max_length=128)  # bcrypt, cost 12
    is_active: bool = True
    last_login_at: dt.datetime | None = timestamp_column()
    created_at: dt.datetime | None = created_column()


class EnterpriseToken(SQLModel, table=True):
    """An emailed single-use link to set a password (invitation or reset), for a company user or,
    with `admin_id`, a staff account (staff invitations); exactly one of the two is set."""

    __tablename__ = "enterprise_tokens"
    __table_args__ = (
        check_in("purpose", TokenPurpose),
        sa.CheckConstraint("(enterprise_user_id IS NOT NULL)::int + (admin_id IS NOT NULL)::int = 1",
                           name="one_holder"),
    )

    id: int | None = pk()
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    enterprise_user_id: int | None = fk("enterprise_users.id", ondelete="CASCADE")
    admin_id: int | None = fk("admins.id", ondelete="CASCADE")
    purpose: str = Field(max_length=16)
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    used_at: dt.datetime | None = timestamp_column()
    created_at: dt.datetime | None = created_column()
