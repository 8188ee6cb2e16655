"""Enterprise: companies, their users and roles, invitations and password links, bulk orders, business API keys.

The public face for the UI and the CLI. Its functions are async and own their threads and
database sessions; services, jobs and tests import the submodules (`companies`, `links`, `bulk`,
`ledger`, `provisioning`) for the synchronous functions. The company a caller acts for always
comes from their session's identity.

Bulk orders for other domains (quotes, the business API): either call `place_bulk_order` here
(its own transaction, provisioning started), or, to place the order inside your own transaction,
`services.enterprise.bulk.place_bulk_order(s, company_id, user_id, lines, payment=..., key=...,
quote_id=...)` and after your commit `await enterprise.start_provisioning(order.id)`.
"""

from __future__ import annotations

import asyncio

from services.accounts.sessions import Identity
from services.core.models import CompanyRole
from services.enterprise import (
    api_calls,
    api_keys,
    billing,
    card,
    catalogue,
    companies,
    links,
    provisioning,
    purchasing,
    staff_billing,
)
from services.enterprise.api_keys import SCOPES as API_SCOPES
from services.enterprise.api_keys import ApiCaller, ApiKeyView, CreatedApiKey
from services.enterprise.billing import Billing, EntryView, EsimCounts, Overview, StatementView
from services.enterprise.bulk import BulkLine
from services.enterprise.card import CardResult
from services.enterprise.catalogue import CompanyCatalogue, CompanyOffer
from services.enterprise.companies import CreatedCompany, TeamMember
from services.enterprise.errors import (
    ApiKeyInvalid,
    ApiKeyNotFound,
    ApiKeyRevoked,
    ApiRateLimited,
    ApiScopeMissing,
    InvalidApiKeyRequest,
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
from services.enterprise.purchasing import BulkOrderView, FailureView, LineView, PlanOption, PricePreview
from services.enterprise.staff_billing import StaffCompanyView, TierView

# eSIM inventory, distribution, install pages and exports (parts 4, 5 and 7 of the enterprise issue)
from services.enterprise.allocation import AssignedEsim, AssignResult
from services.enterprise.distribution import (
    assign_csv,
    assign_esim,
    assign_text,
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


async def list_api_keys(identity: Identity) -> list[ApiKeyView]:
    """The business API keys of the caller's company (company admins only)."""
    return await asyncio.to_thread(api_keys.list_keys, identity)


async def create_api_key(identity: Identity, name: str, scopes: list[str], *, ip: str | None) -> CreatedApiKey:
    """A new API key (company admins only); the result holds the secret, shown once."""
    return await asyncio.to_thread(api_keys.create_key, identity, name, scopes, ip=ip)


async def revoke_api_key(identity: Identity, key_id: int, *, ip: str | None) -> ApiKeyView:
    """Revoke one of the company's API keys (company admins only); it stops working at once."""
    return await asyncio.to_thread(api_keys.revoke_key, identity, key_id, ip=ip)


async def authenticate_api_key(token: str, scope: str) -> ApiCaller:
    """The business API caller bearing `token` for an endpoint that needs `scope` (counts the rate limit)."""
    return await asyncio.to_thread(api_keys.authenticate, token, scope)


async def company_catalogue(caller: ApiCaller, destination: str, *, sort: str = "price",
                            quantity: int = 1) -> CompanyCatalogue:
    """Plans for a destination at the API caller's company prices (volume tier for `quantity`)."""
    return await asyncio.to_thread(catalogue.company_catalogue, caller, destination, sort=sort, quantity=quantity)


async def place_api_order(caller: ApiCaller, plans: list[tuple[str, int]], *, key: str,
                          ip: str | None) -> BulkOrderView:
    """A bulk order on account from (plan ref, quantity) pairs, once per `key` (see `place_bulk_order`)."""
    lines = await asyncio.to_thread(api_calls.bulk_lines, plans)
    return await place_bulk_order(caller.identity, lines, payment="account", key=key, ip=ip)


async def get_company_esim(caller: ApiCaller, esim_ref: str) -> InventoryRow:
    """One eSIM of the API caller's company, as the inventory shows it."""
    return await asyncio.to_thread(api_calls.get_esim, caller, esim_ref)


async def assign_recipients(caller: ApiCaller, people: list[tuple[str, str]], *, esim_refs: list[str] | None,
                            ip: str | None) -> AssignResult:
    """Give each (name, email) an in-stock eSIM of the API caller's company, all or none (409 on a race)."""
    return await asyncio.to_thread(api_calls.assign_recipients, caller, people, esim_refs=esim_refs, ip=ip)


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


async def start_provisioning(bulk_order_id: int) -> None:
    """Start buying the eSIMs of a paid bulk order (after the transaction that placed it committed)."""
    provisioning.provision_in_background([bulk_order_id])


async def list_bulk_orders(identity: Identity, *, limit: int = 50, offset: int = 0) -> tuple[list[BulkOrderView], int]:
    """One page of the caller's company's bulk orders, newest first, and the total count (any role)."""
    return await asyncio.to_thread(purchasing.list_orders, identity, limit=limit, offset=offset)


async def get_bulk_order(identity: Identity, order_ref: str) -> BulkOrderView:
    """One bulk order of the caller's company with lines, progress and failed eSIMs (any role)."""
    return await asyncio.to_thread(purchasing.get_order, identity, order_ref)


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
    "API_SCOPES",
    "ROLES",
    "ApiCaller",
    "ApiKeyInvalid",
    "ApiKeyNotFound",
    "ApiKeyRevoked",
    "ApiKeyView",
    "ApiRateLimited",
    "ApiScopeMissing",
    "CompanyCatalogue",
    "CompanyOffer",
    "CreatedApiKey",
    "InvalidApiKeyRequest",
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
    "get_bulk_order",
    "list_bulk_orders",
    "pay_bulk_order_by_card",
    "place_api_order",
    "pay_bulk_order_on_account",
    "place_bulk_order",
    "retry_failed_esims",
    "start_provisioning",
    "ALREADY_ALLOCATED",
    "EXPORT_KINDS",
    "MAX_CSV_BYTES",
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
    "assign_recipients",
    "authenticate_api_key",
    "change_role",
    "check_link",
    "company_catalogue",
    "create_api_key",
    "create_company",
    "get_company_esim",
    "invite_user",
    "list_api_keys",
    "list_team",
    "request_password_reset",
    "revoke_api_key",
    "set_password",
]
