"""Column helpers and the constraint naming convention shared by every table module."""

from __future__ import annotations

import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Field, SQLModel

from services.core.crypto import EncryptedJSON, EncryptedText

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def pk() -> Any:
    return Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))


def created_column() -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def updated_column() -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(
            sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now(), onupdate=sa.func.now()
        ),
    )


def timestamp_column(*, index: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True), index=index))


def jsonb_column() -> Any:
    return Field(
        default_factory=dict,
        sa_column=sa.Column(pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )


def fk(
    target: str, *, nullable: bool = True, index: bool = True, ondelete: str = "RESTRICT",
    use_alter: bool = False,
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


def _reference_column(server_default: str) -> Any:
    """A short public reference that the database fills in on insert, unique in its table."""
    return Field(
        default=None,
        sa_column=sa.Column(sa.String(16), nullable=False, unique=True, server_default=sa.text(server_default)),
    )


def display_id_column(sequence: str, prefix: str) -> Any:
    return _reference_column(f"next_display_id('{prefix}', '{sequence}')")


def random_id_column(prefix: str, table: str) -> Any:
    """A short unguessable reference (`OID` + 12 characters of an unambiguous base32), unique in `table`."""
    return _reference_column(f"random_display_id('{prefix}', '{table}')")


def check_in(column: str, values: type[enum.StrEnum]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_valid")


def encrypted_column(*, nullable: bool = False) -> Any:
    """A secret string, encrypted at rest (services/core/crypto.py); read and written as plain text."""
    column = sa.Column(EncryptedText, nullable=nullable)
    return Field(default=None, sa_column=column) if nullable else Field(sa_column=column)


def encrypted_json_column() -> Any:
    """A JSON document, encrypted at rest; read and written as a dict."""
    return Field(default_factory=dict, sa_column=sa.Column(EncryptedJSON, nullable=False))
