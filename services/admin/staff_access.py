"""The staff-role check every admin service function makes itself (the page guard is for navigation only).

The identity is the one the session resolved to; the staff row is read again, so a deactivated
account or a changed role stops working at its next action, whatever the tab still holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.accounts.sessions import Identity
from services.core import db
from services.core.errors import ServiceError
from services.core.models import Admin, Role, StaffRole

ALL_STAFF = tuple(r.value for r in StaffRole)
OPERATORS = (StaffRole.OWNER.value, StaffRole.OPERATIONS.value)  # providers and catalogue: act


class StaffNotAllowed(ServiceError):
    code = "staff_not_allowed"


def require_staff(identity: Identity | None, roles: Sequence[str]) -> int:
    """The active staff account's id when it holds one of `roles` (owners hold all); else `StaffNotAllowed`."""
    if identity is None or identity.role != Role.ADMIN:
        raise StaffNotAllowed("not a staff session")
    with db.session() as s:
        admin = s.get(Admin, identity.principal_id)
        role, active = (admin.staff_role, admin.is_active) if admin is not None else ("", False)
    if not active or (role != StaffRole.OWNER and role not in roles):
        raise StaffNotAllowed(f"admin {identity.principal_id} ({role or 'unknown'}) may not do this")
    return identity.principal_id
