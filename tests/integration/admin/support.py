"""Staff identities for the admin service tests."""

from __future__ import annotations

import uuid

from services.accounts import passwords
from services.accounts.sessions import Identity
from tests.support.staff import staff_sign_in

PASSWORD = "a long admin passphrase"


def staff(role: str) -> Identity:
    """A signed-in staff member with `role` (a fresh account each time)."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    passwords.create_admin(email, PASSWORD, name=role.title(), staff_role=role)
    return staff_sign_in(email, PASSWORD).identity
