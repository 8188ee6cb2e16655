"""Enterprise face: the company's own records for its admins (the audit log)."""

from __future__ import annotations

import asyncio

from services.accounts.sessions import Identity
from services.enterprise import company_audit
from services.enterprise.company_audit import CompanyAuditEntry, CompanyAuditPage


async def list_company_audit(identity: Identity, *, action: str = "", page: int = 0,
                             page_size: int = 25) -> CompanyAuditPage:
    """One page of the caller's company's audit log, newest first (company admins only)."""
    return await asyncio.to_thread(company_audit.list_company_audit, identity, action=action, page=page,
                                   page_size=page_size)


__all__ = ["CompanyAuditEntry", "CompanyAuditPage", "list_company_audit"]
