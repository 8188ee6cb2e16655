"""People and sign-in: customers, administrators, enterprise accounts, sessions, codes, attempts, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from services.core.models.enums import Role, StaffRole
from services.core.models.fields import (
    check_in,
    created_column,
    display_id_column,
    encrypted_column,
    fk,
    jsonb_column,
    pk,
    random_id_column,
    timestamp_column,
    updated_column,
)


class User(SQLModel, table=True):
    """A customer. Created on first successful one-time-code login."""

    __tablename__ = "users"

    id: int | None = pk()
    display_id: str | None = display_id_column("users_display_id_seq", "UID")
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False, unique=True))
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    country: str | None = Field(default=None, max_length=2)
    language: str = Field(default="en", max_length=8)
    currency: str = Field(default="USD", max_length=3)
    is_verified: bool = False
    is_active: bool = True
    created_at: dt.datetime | None = created_column()
    updated_at: dt.datetime | None = updated_column()


class LoginCode(SQLModel, table=True):
    """An emailed one-time code. Only its hash is kept; a code dies after expiry or 5 wrong tries."""

    __tablename__ = "login_codes"
    __table_args__ = (sa.Index("ix_login_codes_email_created", "email", "created_at"),)

    id: int | None = pk()
    email: str = Field(max_length=254)
    code_hash: str = Field(max_length=128)
    attempts: int = 0
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    consumed_at: dt.datetime | None = timestamp_column()
    ip: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime | None = created_column()


class Admin(SQLModel, table=True):
    """A staff account: password plus TOTP (enrolled at the first sign-in), one staff role."""

    __tablename__ = "admins"
    __table_args__ = (check_in("staff_role", StaffRole),)

    id: int | None = pk()
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False, unique=True))
    name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=128)  # bcrypt, cost 12
    is_active: bool = True
    staff_role: str = Field(
        default=StaffRole.OWNER.value,
        sa_column=sa.Column(sa.String(16), nullable=False, server_default=StaffRole.OWNER.value),
    )
    totp_secret: str | None = encrypted_column(nullable=True)  # base32; set at enrolment, confirmed below
    totp_confirmed_at: dt.datetime | None = timestamp_column()
    totp_last_step: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))  # no replay
    last_login_at: dt.datetime | None = timestamp_column()
    created_at: dt.datetime | None = created_column()


class AdminRecoveryCode(SQLModel, table=True):
    """One of a staff account's single-use recovery codes; only its SHA-256 is kept."""

    __tablename__ = "admin_recovery_codes"
    __table_args__ = (sa.UniqueConstraint("admin_id", "code_hash"),)

    id: int | None = pk()
    admin_id: int = fk("admins.id", nullable=False, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: dt.datetime | None = timestamp_column()
    created_at: dt.datetime | None = created_column()


class EnterpriseAccount(SQLModel, table=True):
    """A company; its people sign in as `EnterpriseUser` rows (services/core/models/enterprise.py)."""

    __tablename__ = "enterprise_accounts"
    __table_args__ = (sa.CheckConstraint("status IN ('active', 'suspended')", name="status_valid"),)

    id: int | None = pk()
    display_id: str | None = random_id_column("COM", "enterprise_accounts")  # the admin URL's company_ref
    company_name: str = Field(max_length=200)
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False, unique=True))
    phone: str | None = Field(default=None, max_length=32)
    country: str | None = Field(default=None, max_length=2)
    status: str = Field(default="active", max_length=16)
    credit_limit_cents: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    currency: str = Field(default="USD", max_length=3)
    credit_alert_at: dt.datetime | None = timestamp_column()  # 80 % alert sent; cleared when back under
    created_at: dt.datetime | None = created_column()
    updated_at: dt.datetime | None = updated_column()


class AuthSession(SQLModel, table=True):
    """A login. The browser holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "auth_sessions"
    __table_args__ = (
        check_in("role", Role),
        sa.CheckConstraint(
            "(user_id IS NOT NULL)::int + (admin_id IS NOT NULL)::int"
            " + (enterprise_user_id IS NOT NULL)::int = 1",
            name="one_principal",
        ),
    )

    id: int | None = pk()
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    role: str = Field(max_length=16)
    user_id: int | None = fk("users.id", ondelete="CASCADE")
    admin_id: int | None = fk("admins.id", ondelete="CASCADE")
    enterprise_user_id: int | None = fk("enterprise_users.id", ondelete="CASCADE")
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    revoked_at: dt.datetime | None = timestamp_column()
    last_seen_at: dt.datetime | None = timestamp_column()
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=400)
    created_at: dt.datetime | None = created_column()


class LoginAttempt(SQLModel, table=True):
    """One sign-in try (code request, code check or password), for rate limits across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_email_created", "email", "created_at"),
        sa.Index("ix_login_attempts_ip_created", "ip", "created_at"),
    )

    id: int | None = pk()
    kind: str = Field(max_length=16)  # code_request, code_check, password
    email: str = Field(max_length=254)
    ip: str | None = Field(default=None, max_length=64)
    succeeded: bool = False
    created_at: dt.datetime | None = created_column()


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: int | None = pk()
    actor_type: str = Field(max_length=16)  # admin, customer, enterprise, system
    actor_id: int | None = None
    action: str = Field(max_length=100)
    entity_type: str = Field(max_length=50)
    entity_id: str = Field(max_length=64)
    details: dict[str, Any] = jsonb_column()
    ip: str | None = Field(default=None, max_length=64)
    enterprise_account_id: int | None = fk("enterprise_accounts.id", ondelete="CASCADE")  # the company's log
    created_at: dt.datetime | None = created_column()
