"""Admin face: enterprise companies (create, suspend) and the quotes queue (price, send)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping

from services.accounts.sessions import Identity
from services.enterprise import quote_pricing, staff_companies
from services.enterprise.quote_pricing import LinePrice
from services.enterprise.quote_views import QuotePage, QuoteView
from services.enterprise.staff_companies import CompanyPage, CompanySummary

# -- enterprise: companies and quotes (services/enterprise/staff_companies.py, quote_pricing.py) --
COMPANY_MANAGERS = staff_companies.MANAGERS
QUOTE_PRICERS = quote_pricing.PRICERS


async def list_companies(identity: Identity, *, query: str = "", page: int = 0, page_size: int = 25) -> CompanyPage:
    """Companies by name (any staff role)."""
    return await asyncio.to_thread(staff_companies.list_companies, identity, query=query, page=page,
                                   page_size=page_size)


async def create_company(identity: Identity, name: str, contact_email: str, *, credit_limit_cents: int,
                         ip: str | None) -> CompanySummary:
    """A new company; its contact is emailed an invitation (owners, operations, finance)."""
    return await asyncio.to_thread(staff_companies.create_company, identity, name, contact_email,
                                   credit_limit_cents=credit_limit_cents, ip=ip)


async def set_company_status(identity: Identity, company_ref: str, *, suspended: bool,
                             ip: str | None) -> CompanySummary:
    """Suspend or reactivate a company (owners, operations, finance)."""
    return await asyncio.to_thread(staff_companies.set_company_status, identity, company_ref, suspended=suspended,
                                   ip=ip)


async def quote_queue(identity: Identity, *, status: str | None, page: int = 0, page_size: int = 25) -> QuotePage:
    """Every company's quotes, newest first, optionally of one status (any staff role)."""
    return await asyncio.to_thread(quote_pricing.quote_queue, identity, status=status, page=page, page_size=page_size)


async def get_quote(identity: Identity, quote_ref: str) -> QuoteView:
    """One quote, with its lines (any staff role)."""
    return await asyncio.to_thread(quote_pricing.quote_for_staff, identity, quote_ref)


async def package_options(identity: Identity, query: str = "") -> list[tuple[str, str]]:
    """(slug, label) of catalogue packages staff can map a free-text need to."""
    return await asyncio.to_thread(quote_pricing.package_options, identity, query)


async def send_quote(identity: Identity, quote_ref: str, *, prices: Mapping[int, LinePrice], valid_until: dt.date,
                     ip: str | None) -> QuoteView:
    """Price every line, set the validity and email the company (owners, operations, finance)."""
    return await asyncio.to_thread(quote_pricing.send_quote, identity, quote_ref, prices=prices,
                                   valid_until=valid_until, ip=ip)


__all__ = [
    "COMPANY_MANAGERS",
    "QUOTE_PRICERS",
    "CompanyPage",
    "CompanySummary",
    "LinePrice",
    "QuotePage",
    "QuoteView",
    "create_company",
    "get_quote",
    "list_companies",
    "package_options",
    "quote_queue",
    "send_quote",
    "set_company_status",
]
