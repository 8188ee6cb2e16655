"""Admin: what staff see and do in the dashboard (analytics, orders, customers, providers, catalogue,
enterprise accounts and quotes, jobs, settings, audit).

The public face for the UI. Its functions are async and own their threads and database sessions;
each takes the staff identity the session resolved to and checks the staff role itself, so a
handler that forgot its guard still cannot act above the caller's role. Every change is written
to the audit log with who, what, and the values before and after.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from providers.registry import ProviderRegistry
from services.accounts.sessions import Identity
from services.admin import (
    access,
    audit,
    customer_export,
    customers,
    jobs,
    order_actions,
    order_detail,
    order_refunds,
    orders,
    settings,
    staff,
    support,
)
from services.admin.access import NoteMissing, NoteTooLong, NotPermitted, StaleAction
from services.admin.audit import AuditEntry, AuditPage, AuditQuery
from services.admin.customers import CustomerDetail, CustomerNotFound, CustomerPage, CustomerRow
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
from services.admin.order_actions import ActionNotAllowed, FailoverUnavailable, ProviderCancelFailed
from services.admin.order_detail import Alternative, EsimView, OrderDetail
from services.admin.order_refunds import InvalidRefundAmount
from services.admin.orders import OrderPage, OrderRow
from services.admin.settings import SettingsView
from services.admin.staff import StaffMember
from services.admin.support import Assignee, StaffTicketPage, StaffTicketRow, StaffTicketView, TicketFilter
from services.admin.timeline import TimelineEvent

ORDER_ROLES = access.ORDERS_READ
CUSTOMER_ROLES = access.CUSTOMERS_READ


@dataclass(frozen=True, slots=True)
class ActionResult:
    changed: bool  # False when the confirmation was a replay (or there was nothing left to do)
    values: dict[str, Any]


def _result(values: dict[str, Any]) -> ActionResult:
    return ActionResult(bool(values.get("changed")), values)


def new_action_key() -> str:
    """A fresh key for one confirmation dialog: the action it confirms runs once per key."""
    return secrets.token_urlsafe(24)


# --- orders ------------------------------------------------------------------------------------


async def list_orders(identity: Identity, *, query: str = "", status: str = "", provider: str = "",
                      destination: str = "", customer: str = "", date_from: dt.date | None = None,
                      date_to: dt.date | None = None, min_cents: int | None = None, max_cents: int | None = None,
                      sort: str = "created", descending: bool = True, after: str = "", offset: int = 0,
                      limit: int = 25, count: bool = True) -> OrderPage:
    """One page of orders matching the search (reference, ICCID, email) and filters; any staff role."""
    access.require(identity, access.ORDERS_READ)
    return await asyncio.to_thread(
        orders.list_orders, query=query, status=status, provider=provider, destination=destination,
        customer=customer, date_from=date_from, date_to=date_to, min_cents=min_cents, max_cents=max_cents,
        sort=sort, descending=descending, after=after, offset=offset, limit=limit, count=count)


async def order_filter_choices(identity: Identity) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(providers, destination codes) for the order list's filters."""
    access.require(identity, access.ORDERS_READ)
    return await asyncio.to_thread(orders.filter_choices)


async def get_order(identity: Identity, *, order_ref: str) -> OrderDetail:
    """One order with its eSIMs, alternatives and timeline; `OrderNotFound` for an unknown reference."""
    access.require(identity, access.ORDERS_READ)
    return await asyncio.to_thread(order_detail.get_order_detail, order_ref)


async def refund_order(identity: Identity, *, order_ref: str, amount_cents: int | None, note: str, key: str,
                       skip_provider_cancel: bool = False, registry: ProviderRegistry | None = None) -> ActionResult:
    """Refund the order in full (None) or in part through Stripe; once per key. Support, operations, owners."""
    return _result(await order_refunds.refund_order(identity, order_ref=order_ref, amount_cents=amount_cents,
                                                    note=note, key=key, skip_provider_cancel=skip_provider_cancel,
                                                    registry=registry))


async def retry_order(identity: Identity, *, order_ref: str, note: str, key: str,
                      registry: ProviderRegistry | None = None) -> ActionResult:
    """Fulfil a failed, paid or stuck order now; once per key. Operations and owners."""
    return _result(await order_actions.retry_order(identity, order_ref=order_ref, note=note, key=key,
                                                   registry=registry))


async def failover_order(identity: Identity, *, order_ref: str, package_id: int, note: str, key: str,
                         registry: ProviderRegistry | None = None) -> ActionResult:
    """Fulfil a failed or paid order with another provider's equivalent offer; once per key. Operations and owners."""
    return _result(await order_actions.failover_order(identity, order_ref=order_ref, package_id=package_id,
                                                      note=note, key=key, registry=registry))


async def resend_esim_email(identity: Identity, *, order_ref: str, note: str, key: str) -> ActionResult:
    """Email the customer their eSIM again; once per key. Support, operations, owners."""
    return _result(await order_actions.resend_esim_email(identity, order_ref=order_ref, note=note, key=key))


async def cancel_at_provider(identity: Identity, *, order_ref: str, note: str, key: str,
                             registry: ProviderRegistry | None = None) -> ActionResult:
    """Cancel a delivered order's eSIMs at a provider that supports it; once per key. Operations and owners."""
    return _result(await order_actions.cancel_at_provider(identity, order_ref=order_ref, note=note, key=key,
                                                          registry=registry))


# --- customers ---------------------------------------------------------------------------------


async def list_customers(identity: Identity, *, query: str = "", offset: int = 0, limit: int = 25) -> CustomerPage:
    """Customers by email, name or reference, newest first; any staff role."""
    access.require(identity, access.CUSTOMERS_READ)
    return await asyncio.to_thread(customers.list_customers, query=query, offset=offset, limit=limit)


async def get_customer(identity: Identity, *, user_ref: str) -> CustomerDetail:
    """One customer with orders, eSIMs, tickets, sessions and spend; any staff role."""
    access.require(identity, access.CUSTOMERS_READ)
    return await asyncio.to_thread(customers.get_customer, user_ref)


async def set_customer_active(identity: Identity, *, user_ref: str, active: bool, note: str,
                              key: str) -> ActionResult:
    """Enable or disable a customer (disabling ends their sessions); once per key. Support and owners."""
    access.require(identity, access.CUSTOMERS_ACT)
    note = access.note_text(note)

    async def work() -> dict[str, Any]:
        return await asyncio.to_thread(customers.set_active, identity, user_ref, active=active, note=note)

    return _result(await access.run_once(identity, key, "customer.set_active", entity_type="user",
                                         entity_id=user_ref.strip().upper(), work=work))


async def revoke_customer_sessions(identity: Identity, *, user_ref: str, note: str, key: str) -> ActionResult:
    """Sign the customer out everywhere; once per key. Support and owners."""
    access.require(identity, access.CUSTOMERS_ACT)
    note = access.note_text(note)

    async def work() -> dict[str, Any]:
        return await asyncio.to_thread(customers.end_sessions, identity, user_ref, note=note)

    return _result(await access.run_once(identity, key, "customer.revoke_sessions", entity_type="user",
                                         entity_id=user_ref.strip().upper(), work=work))


async def export_customer(identity: Identity, *, user_ref: str) -> dict[str, Any]:
    """Everything we hold about one customer, as a JSON-ready document (audited). Support and owners."""
    access.require(identity, access.CUSTOMERS_ACT)
    return await asyncio.to_thread(customer_export.customer_export, identity, user_ref)


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


async def list_audit(identity: Identity, query: AuditQuery | None = None) -> AuditPage:
    return await asyncio.to_thread(audit.list_audit, identity, query)


__all__ = [
    "CUSTOMER_ROLES",
    "ORDER_ROLES",
    "STAFF_ROLES",
    "ActionNotAllowed",
    "ActionResult",
    "Alternative",
    "Assignee",
    "AuditEntry",
    "AuditPage",
    "AuditQuery",
    "CustomerDetail",
    "CustomerNotFound",
    "CustomerPage",
    "CustomerRow",
    "EsimView",
    "FailoverUnavailable",
    "InvalidAssignee",
    "InvalidFilter",
    "InvalidInvitation",
    "InvalidRefundAmount",
    "InvalidStaffRole",
    "JobView",
    "LastOwner",
    "NotPermitted",
    "NoteMissing",
    "NoteTooLong",
    "OrderDetail",
    "OrderPage",
    "OrderRow",
    "ProviderCancelFailed",
    "RunView",
    "SettingRejected",
    "SettingsView",
    "StaffExists",
    "StaffMember",
    "StaffNotFound",
    "StaffTicketPage",
    "StaffTicketRow",
    "StaffTicketView",
    "StaleAction",
    "TicketFilter",
    "TimelineEvent",
    "UnknownJob",
    "accept_staff_invitation",
    "assign_ticket",
    "cancel_at_provider",
    "change_staff_role",
    "check_staff_invitation",
    "export_customer",
    "failover_order",
    "get_customer",
    "get_order",
    "get_settings",
    "get_ticket",
    "invite_staff",
    "list_audit",
    "list_customers",
    "list_jobs",
    "list_orders",
    "list_staff",
    "list_tickets",
    "new_action_key",
    "order_filter_choices",
    "refund_order",
    "reply_to_ticket",
    "resend_esim_email",
    "reset_staff_totp",
    "retry_order",
    "revoke_customer_sessions",
    "run_job_now",
    "save_settings",
    "set_customer_active",
    "set_job_paused",
    "set_staff_active",
    "set_ticket_closed",
]
