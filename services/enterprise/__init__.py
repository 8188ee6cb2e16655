"""Enterprise: companies, their users and roles, invitations and password links, quotes.

The public face for the UI and the CLI. Its functions are async and own their threads and
database sessions; services, jobs and tests import the submodules (`companies`, `links`, `quotes`) for the
synchronous functions. The company a caller acts for always comes from their session's identity.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from services.accounts.sessions import Identity
from services.core.models import CompanyRole
from services.enterprise import companies, links, quotes
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
from services.enterprise.quote_views import QuoteLineView, QuotePage, QuoteSummary, QuoteView
from services.enterprise.quotes import LineRequest, PlanOption

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


async def quote_plan_options(identity: Identity, query: str = "") -> list[PlanOption]:
    """Catalogue plans to ask a quote for, optionally of one destination."""
    return await asyncio.to_thread(quotes.plan_options, identity, query)


__all__ = [
    "ROLES",
    "CreatedCompany",
    "InvalidCompanyName",
    "InvalidLink",
    "InvalidRole",
    "LineRequest",
    "LinkView",
    "NotAllowed",
    "PlanOption",
    "QuoteLineView",
    "QuotePage",
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
