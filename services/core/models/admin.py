"""What the admin dashboard keeps of its own: the staff actions already carried out, by their key."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from services.core.models.fields import created_column, jsonb_column


class StaffAction(SQLModel, table=True):
    """One confirmed staff action (refund, retry, resend, ...), by the key its confirmation dialog was
    given: a replayed or double-clicked confirmation finds the row and does nothing a second time."""

    __tablename__ = "staff_actions"

    admin_id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("admins.id", ondelete="CASCADE"),
                                              primary_key=True))
    key: str = Field(primary_key=True, max_length=64)
    action: str = Field(max_length=64)
    entity_type: str = Field(max_length=32)
    entity_id: str = Field(max_length=64)
    status: str = Field(default="running", max_length=16)  # running, done
    result: dict[str, Any] = jsonb_column()
    created_at: dt.datetime | None = created_column()
