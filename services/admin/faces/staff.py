"""Admin face: staff accounts (owners), support tickets, jobs, settings and the audit log."""

from __future__ import annotations

import asyncio

from services.accounts.sessions import Identity
from services.admin import audit, currency_settings, jobs, settings, staff, support
from services.admin.audit import AuditEntry, AuditPage, AuditQuery
from services.admin.currency_settings import CurrenciesView, CurrencyRow
from services.admin.errors import (
    InvalidAssignee,
    InvalidFilter,
    InvalidInvitation,
    InvalidStaffRole,
    LastOwner,
    SettingRejected,
    StaffExists,
    StaffNotFound,
    UnknownJob,
)
from services.admin.jobs import JobView, RunView
from services.admin.settings import SettingsView
from services.admin.staff import StaffMember
from services.admin.support import Assignee, StaffTicketPage, StaffTicketRow, StaffTicketView, TicketFilter

# --- staff accounts (owners) ------------------------------------------------------------------

STAFF_ROLES = staff.ROLES


async def list_staff(identity: Identity) -> list[StaffMember]:
    return await asyncio.to_thread(staff.list_staff, identity)


async def invite_staff(identity: Identity, email: str, role: str, *, name: str = "", ip: str | None) -> StaffMember:
    """A staff account with `role` and no password; the invitee is emailed a single-use link."""
    return await asyncio.to_thread(staff.invite_staff, identity, email, role, name=name, ip=ip)


async def change_staff_role(identity: Identity, admin_id: int, role: str, *, ip: str | None) -> StaffMember:
    return await asyncio.to_thread(staff.change_role, identity, admin_id, role, ip=ip)


async def set_staff_active(identity: Identity, admin_id: int, active: bool, *, ip: str | None) -> StaffMember:
    """Disable (sessions end) or enable a staff account; the last active owner stays."""
    return await asyncio.to_thread(staff.set_active, identity, admin_id, active, ip=ip)


async def reset_staff_totp(identity: Identity, admin_id: int, *, ip: str | None) -> StaffMember:
    """Forget the account's authenticator: sessions end, it enrols again at its next sign-in."""
    return await asyncio.to_thread(staff.reset_totp, identity, admin_id, ip=ip)


async def check_staff_invitation(token: str) -> str:
    """The invited address; `InvalidInvitation` when the link is used, expired or unknown."""
    return await asyncio.to_thread(staff.check_invitation, token)


async def accept_staff_invitation(token: str, password: str, *, ip: str | None) -> str:
    """Set the invitee's password from the link; returns the address to sign in with."""
    return await asyncio.to_thread(staff.accept_invitation, token, password, ip=ip)


# --- support tickets (owners, support) --------------------------------------------------------


async def list_tickets(identity: Identity, query: TicketFilter | None = None) -> StaffTicketPage:
    return await asyncio.to_thread(support.list_tickets, identity, query)


async def get_ticket(identity: Identity, ticket_ref: str) -> StaffTicketView:
    return await asyncio.to_thread(support.get_ticket, identity, ticket_ref)


async def assign_ticket(identity: Identity, ticket_ref: str, assignee_id: int | None, *,
                        ip: str | None) -> StaffTicketView:
    return await asyncio.to_thread(support.assign, identity, ticket_ref, assignee_id, ip=ip)


async def set_ticket_closed(identity: Identity, ticket_ref: str, closed: bool, *, ip: str | None) -> StaffTicketView:
    return await asyncio.to_thread(support.set_closed, identity, ticket_ref, closed, ip=ip)


async def reply_to_ticket(identity: Identity, ticket_ref: str, body: str) -> StaffTicketView:
    """Answer the customer: emailed, and shown on their ticket page."""
    return await asyncio.to_thread(support.reply, identity, ticket_ref, body)


# --- jobs (owners, operations) ----------------------------------------------------------------


async def list_jobs(identity: Identity) -> list[JobView]:
    return await asyncio.to_thread(jobs.list_jobs, identity)


async def set_job_paused(identity: Identity, job: str, paused: bool, *, ip: str | None) -> bool:
    return await asyncio.to_thread(jobs.set_paused, identity, job, paused, ip=ip)


async def run_job_now(identity: Identity, job: str, *, ip: str | None) -> None:
    """Start one recorded run of `job` now in this process (audited); returns without waiting for it."""
    spec = await asyncio.to_thread(jobs.authorise_run_now, identity, job, ip=ip)
    jobs.start_run(spec)


# --- settings (everyone reads, owners save) and the audit log (owners, finance) ---------------


async def get_settings(identity: Identity) -> SettingsView:
    return await asyncio.to_thread(settings.get_settings_view, identity)


async def save_settings(identity: Identity, form: dict[str, str], *, ip: str | None) -> SettingsView:
    return await asyncio.to_thread(settings.save_settings, identity, form, ip=ip)


async def get_currencies(identity: Identity) -> CurrenciesView:
    """The currencies customers pay in, with rates and rounding (every staff member reads them)."""
    return await asyncio.to_thread(currency_settings.get_currencies_view, identity)


async def save_currency(identity: Identity, *, code: str, rate: str, rounding: str, ip: str | None) -> CurrenciesView:
    """Offer `code` (or change it) at `rate` per 1 USD with `rounding`; owners only, audited."""
    return await asyncio.to_thread(currency_settings.save_currency, identity, code=code, rate=rate, rounding=rounding,
                                   ip=ip)


async def stop_currency(identity: Identity, *, code: str, ip: str | None) -> CurrenciesView:
    """Stop offering `code` (not USD, EUR or GBP); owners only, audited."""
    return await asyncio.to_thread(currency_settings.stop_currency, identity, code=code, ip=ip)


async def list_audit(identity: Identity, query: AuditQuery | None = None) -> AuditPage:
    return await asyncio.to_thread(audit.list_audit, identity, query)


__all__ = [
    "STAFF_ROLES",
    "Assignee",
    "AuditEntry",
    "AuditPage",
    "AuditQuery",
    "CurrenciesView",
    "CurrencyRow",
    "InvalidAssignee",
    "InvalidFilter",
    "InvalidInvitation",
    "InvalidStaffRole",
    "JobView",
    "LastOwner",
    "RunView",
    "SettingRejected",
    "SettingsView",
    "StaffExists",
    "StaffMember",
    "StaffNotFound",
    "StaffTicketPage",
    "StaffTicketRow",
    "StaffTicketView",
    "TicketFilter",
    "UnknownJob",
    "accept_staff_invitation",
    "assign_ticket",
    "change_staff_role",
    "check_staff_invitation",
    "get_currencies",
    "get_settings",
    "get_ticket",
    "invite_staff",
    "list_audit",
    "list_jobs",
    "list_staff",
    "list_tickets",
    "reply_to_ticket",
    "reset_staff_totp",
    "run_job_now",
    "save_currency",
    "save_settings",
    "set_job_paused",
    "set_staff_active",
    "set_ticket_closed",
    "stop_currency",
]
