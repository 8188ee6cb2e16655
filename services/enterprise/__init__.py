"""Enterprise: companies, their users and roles, invitations and password links, quotes, bulk orders.

The public face for the UI and the CLI. Its functions are async and own their threads and
database sessions; services, jobs and tests import the submodules (`companies`, `links`, `quotes`,
`bulk`, `ledger`, `provisioning`) for the synchronous functions. The company a caller acts for always
comes from their session's identity.

Bulk orders for other domains (quotes, the business API): either call `place_bulk_order` here
(its own transaction, provisioning started), or, to place the order inside your own transaction,
`services.enterprise.bulk.place_bulk_order(s, company_id, user_id, lines, payment=..., key=...,
quote_id=...)` and after your commit `await enterprise.start_provisioning(order.id)`.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from services.accounts.sessions import Identity
from services.core.models import CompanyRole
from services.enterprise import (
    api_calls,
    billing,
    card,
    companies,
    links,
    provisioning,
    purchasing,
    quotes,
    receipts,
    staff_billing,
)
from services.enterprise.billing import Billing, EntryView, EsimCounts, Overview, StatementView
from services.enterprise.bulk import BulkLine
from services.enterprise.card import CardResult
from services.enterprise.companies import CreatedCompany, TeamMember
from services.enterprise.faces import api as _api_face
from services.enterprise.faces import company as _company_face
from services.enterprise.faces.api import *  # noqa: F403  (the business API's part of the face)
from services.enterprise.faces.company import *  # noqa: F403  (the company's own records)
from services.enterprise.errors import (
    BulkOrderNotFound,
    BulkOrderNotPayable,
    BulkPlanUnavailable,
    CompanyInactive,
    CreditLimitExceeded,
    InvalidBulkOrder,
    InvalidCompanyName,
    InvalidLink,
    InvalidRole,
    NotAllowed,
    RoleNotAllowed,
    UserExists,
    UserNotFound,
)
from services.enterprise.links import LinkView
from services.orders.receipt_pdf import ReceiptFile
from services.enterprise.quote_views import QuoteLineView, QuotePage, QuoteSummary, QuoteView
from services.enterprise.quotes import LineRequest
from services.enterprise.quotes import PlanOption as QuotePlanOption
from services.enterprise.purchasing import BulkOrderView, FailureView, LineView, PlanOption, PricePreview
from services.enterprise.staff_billing import StaffCompanyView, TierView

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


async def create_company(name: str, contact_email: str, *, credit_limit_cents: int = 0) -> CreatedCompany:
    """A new company with its first admin, who is emailed an invitation link (staff: `services.admin`)."""
    return await asyncio.to_thread(companies.create_company, name, contact_email,
                                   credit_limit_cents=credit_limit_cents)


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


async def request_quote(identity: Identity, lines: list[LineRequest], *, wanted_by: dt.date | None, note: str,
                        ip: str | None) -> QuoteView:
    """Ask staff for prices on one or more lines (company admins and operations)."""
    return await asyncio.to_thread(quotes.request_quote, identity, lines, wanted_by=wanted_by, note=note, ip=ip)


async def list_quotes(identity: Identity, *, page: int = 0, page_size: int = 25) -> QuotePage:
    """The caller's company's quotes, newest first (any company role)."""
    return await asyncio.to_thread(quotes.list_quotes, identity, page=page, page_size=page_size)


async def get_quote(identity: Identity, quote_ref: str) -> QuoteView:
    """One quote of the caller's company (any company role)."""
    return await asyncio.to_thread(quotes.get_quote, identity, quote_ref)


async def accept_quote(identity: Identity, quote_ref: str, *, revision: int, ip: str | None) -> QuoteView:
    """Accept the priced quote as shown (`revision`): its bulk order is placed once, however often this runs."""
    return await asyncio.to_thread(quotes.accept_quote, identity, quote_ref, revision=revision, ip=ip)


async def reject_quote(identity: Identity, quote_ref: str, *, revision: int, ip: str | None) -> QuoteView:
    """Decline the priced quote."""
    return await asyncio.to_thread(quotes.reject_quote, identity, quote_ref, revision=revision, ip=ip)


async def quote_plan_options(identity: Identity, query: str = "") -> list[QuotePlanOption]:
    """Catalogue plans to ask a quote for, optionally of one destination."""
    return await asyncio.to_thread(quotes.plan_options, identity, query)


# -- bulk orders ---------------------------------------------------------------------------------


async def place_bulk_order(identity: Identity, lines: list[BulkLine], *, payment: str, key: str,
                           quote_id: int | None = None, ip: str | None = None) -> BulkOrderView:
    """Place an order for the caller's company (company admin or operations), once per `key` / `quote_id`.

    `payment` is "account" (charged within the credit limit, `CreditLimitExceeded` otherwise) or
    "card" (the order waits, `pending`, for `pay_bulk_order_by_card`; its page also offers
    `pay_bulk_order_on_account`, so "card" is also the way to let the company choose later). Lines without a unit price get the list
    price less the company's volume tier. Provisioning starts once the order is paid.
    """
    view = await asyncio.to_thread(purchasing.place, identity, lines, payment=payment, key=key,
                                   quote_id=quote_id, ip=ip)
    if view.status == "provisioning":
        provisioning.provision_in_background([view.id])
    return view


async def place_api_order(caller: ApiCaller, plans: list[tuple[str, int]], *, key: str,
                          ip: str | None) -> BulkOrderView:
    """A bulk order on account from (plan ref, quantity) pairs, once per `key` (see `place_bulk_order`)."""
    lines = await asyncio.to_thread(api_calls.bulk_lines, plans)
    return await place_bulk_order(caller.identity, lines, payment="account", key=key, ip=ip)


async def start_provisioning(bulk_order_id: int) -> None:
    """Start buying the eSIMs of a paid bulk order (after the transaction that placed it committed)."""
    provisioning.provision_in_background([bulk_order_id])


async def list_bulk_orders(identity: Identity, *, limit: int = 50, offset: int = 0) -> tuple[list[BulkOrderView], int]:
    """One page of the caller's company's bulk orders, newest first, and the total count (any role)."""
    return await asyncio.to_thread(purchasing.list_orders, identity, limit=limit, offset=offset)


async def get_bulk_order(identity: Identity, order_ref: str) -> BulkOrderView:
    """One bulk order of the caller's company with lines, progress and failed eSIMs (any role)."""
    return await asyncio.to_thread(purchasing.get_order, identity, order_ref)


async def get_bulk_receipt_pdf(identity: Identity, order_ref: str) -> ReceiptFile:
    """The PDF receipt of one of the company's paid bulk orders (company finance or admin)."""
    return await asyncio.to_thread(receipts.bulk_receipt_file, identity, order_ref)


async def retry_failed_esims(identity: Identity, order_ref: str, *, ip: str | None = None) -> BulkOrderView:
    """Queue the order's failed eSIMs again and start provisioning them (company admin or operations)."""
    view, count = await asyncio.to_thread(purchasing.retry_failed, identity, order_ref, ip=ip)
    if count:
        provisioning.provision_in_background([view.id])
    return view


async def pay_bulk_order_by_card(identity: Identity, order_ref: str, *, card_token: str,
                                 ip: str | None = None) -> CardResult:
    """Charge a Stripe.js card token for a pending card order's total; paid → provisioning starts.

    `paid=False` with a `client_secret`: the browser runs 3-D Secure, then `confirm_bulk_card_payment`.
    Raises `PaymentDeclined` (the order stays pending), `BulkOrderNotPayable`, payment errors.
    """
    result = await asyncio.to_thread(card.pay, identity, order_ref, card_token=card_token, ip=ip)
    if result.newly_paid:
        provisioning.provision_in_background([result.order_id])
    return result


async def pay_bulk_order_on_account(identity: Identity, order_ref: str, *, ip: str | None = None) -> CardResult:
    """Charge a pending order to the company's account instead of a card (`CreditLimitExceeded` if it
    does not fit); provisioning starts (company admin or operations)."""
    result = await asyncio.to_thread(card.pay_on_account, identity, order_ref, ip=ip)
    if result.newly_paid:
        provisioning.provision_in_background([result.order_id])
    return result


async def confirm_bulk_card_payment(identity: Identity, order_ref: str, *, ip: str | None = None) -> CardResult:
    """After 3-D Secure: paid now? (`PaymentNotCompleted` if not.) Starts provisioning when it is."""
    result = await asyncio.to_thread(card.confirm, identity, order_ref, ip=ip)
    if result.newly_paid:
        provisioning.provision_in_background([result.order_id])
    return result


async def list_plan_options(identity: Identity, search: str = "") -> list[PlanOption]:
    """Plans the caller's company can order in bulk, by destination name (any role)."""
    return await asyncio.to_thread(purchasing.plan_options, identity, search)


async def preview_bulk_price(identity: Identity, package_id: int, quantity: int) -> PricePreview:
    """The unit price and line total for `quantity` of a plan, after the company's volume tier."""
    return await asyncio.to_thread(purchasing.price_preview, identity, package_id, quantity)


# -- overview and billing ------------------------------------------------------------------------


async def get_overview(identity: Identity) -> Overview:
    """The company home's figures: spend, credit, eSIMs, orders in progress (any role)."""
    return await asyncio.to_thread(billing.overview, identity)


async def get_billing(identity: Identity) -> Billing:
    """Credit used and available, the latest ledger entries, monthly statements (admin, finance)."""
    return await asyncio.to_thread(billing.billing, identity)


async def get_statement(identity: Identity, month: str) -> StatementView:
    """One month's statement (`YYYY-MM`) with its entries, for printing (admin, finance)."""
    return await asyncio.to_thread(billing.statement, identity, month)


# -- staff: one company's billing (the admin dashboard) -------------------------------------------


async def staff_get_company(identity: Identity, company_ref: str) -> StaffCompanyView:
    """A company's credit, tiers and ledger for staff (owner, finance, operations)."""
    return await asyncio.to_thread(staff_billing.company, identity, company_ref)


async def staff_record_entry(identity: Identity, company_ref: str, *, kind: str, amount_cents: int, note: str,
                             ip: str | None = None) -> StaffCompanyView:
    """Record a payment received or a credit note (owner, finance); audited before/after."""
    return await asyncio.to_thread(staff_billing.record_entry, identity, company_ref, kind=kind,
                                   amount_cents=amount_cents, note=note, ip=ip)


async def staff_set_credit_limit(identity: Identity, company_ref: str, limit_cents: int, *,
                                 ip: str | None = None) -> StaffCompanyView:
    """Change a company's credit limit (owner, finance); audited before/after."""
    return await asyncio.to_thread(staff_billing.set_credit_limit, identity, company_ref, limit_cents, ip=ip)


async def staff_set_volume_tiers(identity: Identity, company_ref: str, tiers: list[tuple[int, int]], *,
                                 ip: str | None = None) -> StaffCompanyView:
    """Replace a company's volume tiers, (min quantity, discount in basis points) each (owner, finance)."""
    return await asyncio.to_thread(staff_billing.set_tiers, identity, company_ref, tiers, ip=ip)



__all__ = [
    *_api_face.__all__,
    *_company_face.__all__,
    "place_api_order",
    "ALREADY_ALLOCATED",
    "EXPORT_KINDS",
    "MAX_CSV_BYTES",
    "ROLES",
    "Billing",
    "EntryView",
    "EsimCounts",
    "Overview",
    "PlanOption",
    "PricePreview",
    "StaffCompanyView",
    "StatementView",
    "TierView",
    "get_billing",
    "get_overview",
    "get_statement",
    "list_plan_options",
    "preview_bulk_price",
    "staff_get_company",
    "staff_record_entry",
    "staff_set_credit_limit",
    "staff_set_volume_tiers",
    "BulkLine",
    "BulkOrderNotFound",
    "BulkOrderNotPayable",
    "BulkOrderView",
    "BulkPlanUnavailable",
    "CardResult",
    "CompanyInactive",
    "CreditLimitExceeded",
    "FailureView",
    "InvalidBulkOrder",
    "LineView",
    "RoleNotAllowed",
    "confirm_bulk_card_payment",
    "get_bulk_order", "get_bulk_receipt_pdf",
    "list_bulk_orders",
    "pay_bulk_order_by_card",
    "pay_bulk_order_on_account",
    "place_bulk_order",
    "retry_failed_esims",
    "start_provisioning",
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
    "LineRequest",
    "LinkView",
    "NotAllowed",
    "QuoteLineView",
    "QuotePage",
    "QuotePlanOption",
    "QuoteSummary",
    "QuoteView",
    "TeamMember",
    "UserExists",
    "UserNotFound",
    "accept_quote",
    "change_role",
    "check_link",
    "create_company",
    "get_quote",
    "invite_user",
    "list_quotes",
    "list_team",
    "quote_plan_options",
    "reject_quote",
    "request_password_reset",
    "request_quote",
    "set_password",
]
