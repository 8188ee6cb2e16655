"""Companies and their users for tests, written straight to the database (no invitation email)."""

from __future__ import annotations

from services.accounts import passwords
from services.core import db
from services.core.models import EnterpriseAccount, EnterpriseUser


def company_user(email: str, password: str, *, company: str = "Acme Travel", status: str = "active",
                 role: str = "admin", company_id: int | None = None) -> tuple[int, int]:
    """A user with a password in a new company (or in `company_id`): (company id, user id)."""
    with db.session() as s:
        if company_id is None:
            org = EnterpriseAccount(company_name=company, contact_name="", contact_email=email, status=status)
            s.add(org)
            s.flush()
            company_id = org.id
        user = EnterpriseUser(enterprise_account_id=company_id, email=email, role=role,  # type: ignore[arg-type]
                              password_hash=passwords.hash_password(password))
        s.add(user)
        s.commit()
        return company_id, user.id  # type: ignore[return-value]
