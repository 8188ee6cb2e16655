"""Staff identities for admin service tests: a real staff account of a role, as its session resolves it."""

from __future__ import annotations

import uuid

from services.accounts import passwords, sessions
from services.admin import new_action_key


def staff(role: str) -> sessions.Identity:
    """A new active staff account with `role`, as the identity its session would resolve to."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    admin_id = passwords.create_admin(email, "a long admin passphrase", name=f"{role.title()} Tester", staff_role=role)
    return sessions.Identity(role="admin", principal_id=admin_id, email=email, display_name=f"{role.title()} Tester",
                             session_id=0, roles=sessions.staff_roles(role))


def key() -> str:
    return new_action_key()
