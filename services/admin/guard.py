"""The staff check every admin service runs first, and the audit row every staff change writes.

`require_staff` is `access.require` (a staff identity holding one of `roles`; an owner holds every
role) plus a re-read of the account in the caller's transaction: it must still be active with one of
those roles now, whatever the page or the identity claims. Refusals are `access.NotPermitted`. The
staff id always comes from the identity the session resolved to.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from services.accounts.sessions import Identity
from services.accounts.validation import clip
from services.admin.access import EVERY_ROLE, NotPermitted, require
from services.core.models import Admin, AuditLog, Role, StaffRole

ANY_STAFF = EVERY_ROLE


def require_staff(s: Session, identity: Identity | None, roles: Iterable[str]) -> Admin:
    """The caller's active staff account when its role is in `roles` (owners always); else `NotPermitted`."""
    allowed = {*roles, StaffRole.OWNER.value}
    require(identity, tuple(allowed))
    admin = s.get(Admin, identity.principal_id)  # type: ignore[union-attr]
    if admin is None or not admin.is_active or admin.staff_role not in allowed:
        raise NotPermitted(f"admin {identity.principal_id} may not do this now (needs {sorted(allowed)})")  # type: ignore[union-attr]
    return admin


def record(s: Session, actor: Admin, action: str, *, entity: str, entity_id: str | int, ip: str | None,
           before: dict[str, Any] | None, after: dict[str, Any] | None, **extra: Any) -> None:
    """One audit row of a staff change: who, what, on which object, and the values before and after."""
    details = {"entity": entity, "before": before, "after": after, **extra}
    s.add(AuditLog(actor_type=Role.ADMIN.value, actor_id=actor.id, action=action, entity_type=entity,
                   entity_id=str(entity_id)[:64], details=details, ip=clip(ip, 64)))
