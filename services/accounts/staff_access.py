"""The one staff-role check and the one staff-change audit row, for every domain with staff actions.

The admin dashboard (`services.admin`) and the staff side of the enterprise portal both call these,
so a refusal is always `NotPermitted` (code `admin_not_permitted`) and a staff change is always
audited the same way. An owner's identity holds every staff role (`sessions.staff_roles`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from services.accounts.errors import NotPermitted
from services.accounts.sessions import Identity, staff_roles
from services.accounts.validation import clip
from services.core import db
from services.core.models import Admin, AuditLog, Role, StaffRole

EVERY_ROLE = tuple(r.value for r in StaffRole)

__all__ = ["EVERY_ROLE", "NotPermitted", "active_roles", "active_staff", "active_staff_id", "record", "require"]


def require(identity: Identity | None, roles: Iterable[str] = EVERY_ROLE) -> Identity:
    """The identity, when it is staff holding one of `roles`; `NotPermitted` otherwise."""
    wanted = tuple(roles)
    if identity is None or identity.role != Role.ADMIN or not set(wanted) & set(identity.roles):
        who = "nobody" if identity is None else f"{identity.role} {identity.principal_id}"
        raise NotPermitted(f"{who} may not act as {'/'.join(wanted)}")
    return identity


def active_staff(s: Session, identity: Identity | None, roles: Iterable[str] = EVERY_ROLE) -> Admin:
    """`require`, plus a re-read of the account in `s`: still active, with one of `roles` (owners always)
    now, whatever the tab's identity claims; the account, else `NotPermitted`."""
    allowed = {*roles, StaffRole.OWNER.value}
    staff = require(identity, tuple(allowed))
    admin = s.get(Admin, staff.principal_id)
    if admin is None or not admin.is_active or admin.staff_role not in allowed:
        raise NotPermitted(f"admin {staff.principal_id} may not do this now (needs {sorted(allowed)})")
    return admin


def active_staff_id(identity: Identity | None, roles: Iterable[str] = EVERY_ROLE) -> int:
    """`active_staff` in a session of its own; the staff id."""
    with db.session() as s:
        return active_staff(s, identity, roles).id  # type: ignore[return-value]


def active_roles(identity: Identity | None, roles: Iterable[str] = EVERY_ROLE) -> tuple[str, ...]:
    """`active_staff` in a session of its own; the roles the account holds now (an owner: every role)."""
    with db.session() as s:
        return staff_roles(active_staff(s, identity, roles).staff_role)


def record(s: Session, admin_id: int, action: str, *, entity: str, entity_id: str | int, ip: str | None = None,
           before: dict[str, Any] | None, after: dict[str, Any] | None, in_company_log: int | None = None,
           **extra: Any) -> AuditLog:
    """One audit row of a staff change, in the caller's transaction: who, what, on which object, and
    the values before and after (`details` = entity, before, after and `extra`); with `in_company_log`
    (a company id) the row is in that company's log too (its admins read the money changes)."""
    row = AuditLog(actor_type=Role.ADMIN.value, actor_id=admin_id, action=action, entity_type=entity,
                   entity_id=str(entity_id)[:64], ip=clip(ip, 64), enterprise_account_id=in_company_log,
                   details={"entity": entity, "before": before, "after": after, **extra})
    s.add(row)
    return row
