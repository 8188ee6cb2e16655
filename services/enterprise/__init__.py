"""Enterprise: companies, their users and roles, invitations and password links.

The public face for the UI and the CLI. Its functions are async and own their threads and
database sessions; services, jobs and tests import the submodules (`companies`, `links`) for the
synchronous functions. The company a caller acts for always comes from their session's identity.
"""

from __future__ import annotations

import asyncio

from services.accounts.sessions import Identity
from services.core.models import CompanyRole
from services.enterprise import companies, links
from services.enterprise.companies import CreatedCompany, TeamMember
from services.enterprise.errors import (
    InvalidCompanyName,
    InvalidLink,
    InvalidRole,
    NotAllowed,
    UserExists,
    UserNotFound,
)
from services.enterprise.links import LinkView

# eSIM inventory, distribution, install pages and exports (parts 4, 5 and 7 of the enterprise issue)
from services.enterprise.allocation import AssignedEsim, AssignResult
from services.enterprise.distribution import (
    assign_csv,
    assign_esim,
    assign_text,
    end_install_link,
    esim_counts,
    list_inventory,
    open_export,
    open_install,
    reassign_esim,
    revoke_esim,
)
from services.enterprise.distribution_errors import ALREADY_ALLOCATED, AllocationConflict, RecipientsInvalid, RowProblem
from services.enterprise.exports import KINDS as EXPORT_KINDS
from services.enterprise.exports import ExportStream
from services.enterprise.installs import InstallView
from services.enterprise.inventory import STATUS_LABELS, STATUSES, InventoryPage, InventoryRow
from services.enterprise.recipients import MAX_BYTES as MAX_CSV_BYTES

ROLES = tuple(role.value for role in CompanyRole)


async def create_company(name: str, contact_email: str) -> CreatedCompany:
    """A new company with its first admin, who is emailed an invitation link."""
    return await asyncio.to_thread(companies.create_company, name, contact_email)


async def check_link(token: str) -> LinkView:
    """What an invitation or reset link is for; `InvalidLink` when it is used, expired or unknown."""
    return await asyncio.to_thread(links.check_link, token)


async def set_password(token: str, password: str, *, ip: str | None) -> str:
    """Use the link to set the password; returns the address to sign in with."""
    return await asyncio.to_thread(links.set_password, token, password, ip=ip)


async def request_password_reset(email: str, *, ip: str | None) -> None:
    """Email a reset link when the address is a company user's; the same answer either way."""
    await asyncio.to_thread(links.request_reset, email, ip=ip)


async def list_team(identity: Identity) -> list[TeamMember]:
    """The people of the caller's company (company admins only)."""
    return await asyncio.to_thread(companies.list_team, identity)


async def invite_user(identity: Identity, email: str, role: str, *, ip: str | None) -> TeamMember:
    """Invite someone to the caller's company with a role (company admins only)."""
    return await asyncio.to_thread(companies.invite_user, identity, email, role, ip=ip)


async def change_role(identity: Identity, user_id: int, role: str, *, ip: str | None) -> TeamMember:
    """Change the role of a user of the caller's company (company admins only)."""
    return await asyncio.to_thread(companies.change_role, identity, user_id, role, ip=ip)


__all__ = [
    "ALREADY_ALLOCATED",
    "EXPORT_KINDS",
    "MAX_CSV_BYTES",
    "ROLES",
    "STATUSES",
    "STATUS_LABELS",
    "AllocationConflict",
    "AssignResult",
    "AssignedEsim",
    "ExportStream",
    "InstallView",
    "InventoryPage",
    "InventoryRow",
    "RecipientsInvalid",
    "RowProblem",
    "assign_csv",
    "assign_esim",
    "assign_text",
    "end_install_link",
    "esim_counts",
    "list_inventory",
    "open_export",
    "open_install",
    "reassign_esim",
    "revoke_esim",
    "CreatedCompany",
    "InvalidCompanyName",
    "InvalidLink",
    "InvalidRole",
    "LinkView",
    "NotAllowed",
    "TeamMember",
    "UserExists",
    "UserNotFound",
    "change_role",
    "check_link",
    "create_company",
    "invite_user",
    "list_team",
    "request_password_reset",
    "set_password",
]
