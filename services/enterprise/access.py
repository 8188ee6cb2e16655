"""Who may do what in a company: the caller's company id from their session identity, or `NotAllowed`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from services.accounts.sessions import Identity
from services.core.models import CompanyRole, EnterpriseAccount, Role
from services.enterprise.errors import NotAllowed

EVERYONE = tuple(CompanyRole)
ASSIGN_ROLES = (CompanyRole.ADMIN, CompanyRole.OPERATIONS)
EXPORT_ROLES = (CompanyRole.ADMIN, CompanyRole.FINANCE, CompanyRole.OPERATIONS)


def company_for(identity: Identity, roles: Iterable[str] = EVERYONE) -> int:
    """The caller's company id if the caller is a company user with one of `roles`."""
    if identity.role != Role.ENTERPRISE or identity.org_id is None:
        raise NotAllowed("not a company user")
    if not {str(r) for r in roles} & set(identity.roles):
        raise NotAllowed(f"company role {identity.roles} may not do this")
    return identity.org_id


def require_active(s: Session, company_id: int) -> EnterpriseAccount:
    """The company, in the caller's transaction, if it is active (a suspended company may do nothing)."""
    company = s.get(EnterpriseAccount, company_id)
    if company is None or company.status != "active":
        raise NotAllowed("the company is not active")
    return company
