"""Audit rows of a company's log (sign-ins are written by services/accounts with the company id)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.accounts.validation import clip
from services.core.models import AuditLog


def record(s: Session, company_id: int, *, actor_id: int | None, action: str, entity_id: int,
           ip: str | None, details: dict[str, Any], actor_type: str = "enterprise",
           entity_type: str = "enterprise_user") -> None:
    """One row about a company user (or `entity_type`, e.g. an eSIM), in the caller's transaction."""
    s.add(AuditLog(actor_type=actor_type, actor_id=actor_id, action=action, entity_type=entity_type,
                   entity_id=str(entity_id), details=details, ip=clip(ip, 64), enterprise_account_id=company_id))
