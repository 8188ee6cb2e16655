"""Who may read the admin home's figures: the staff role, re-read from the database on every call."""

from __future__ import annotations

from collections.abc import Sequence

from services.accounts import Identity
from services.accounts.sessions import staff_roles as roles_of
from services.core import db
from services.core.errors import ServiceError
from services.core.models import Admin, Role


class StaffOnly(ServiceError):
    """The caller is not an active staff member holding one of the roles the action needs."""

    code = "analytics_not_allowed"


def staff_roles(identity: Identity | None, wanted: Sequence[str]) -> tuple[str, ...]:
    """The roles of the staff member behind `identity` (owners hold all) if one is in `wanted`; else `StaffOnly`."""
    if identity is None or identity.role != Role.ADMIN:
        raise StaffOnly("not a staff session")
    with db.session() as s:
        admin = s.get(Admin, identity.principal_id)
        if admin is None or not admin.is_active:
            raise StaffOnly(f"staff account {identity.principal_id} is gone or disabled")
        roles = roles_of(admin.staff_role)
    if not set(roles) & set(wanted):
        raise StaffOnly(f"staff {identity.principal_id} ({admin.staff_role}) lacks one of {tuple(wanted)}")
    return roles
