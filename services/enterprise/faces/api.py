"""Enterprise face: the business API (keys, authentication, and the calls its endpoints make)."""

from __future__ import annotations

import asyncio

from services.accounts.sessions import Identity
from services.enterprise import api_calls, api_keys, catalogue
from services.enterprise.allocation import AssignResult
from services.enterprise.api_keys import SCOPES as API_SCOPES
from services.enterprise.api_keys import ApiCaller, ApiKeyView, CreatedApiKey
from services.enterprise.catalogue import CompanyCatalogue, CompanyOffer
from services.enterprise.errors import (
    ApiKeyInvalid,
    ApiKeyNotFound,
    ApiKeyRevoked,
    ApiRateLimited,
    ApiScopeMissing,
    InvalidApiKeyRequest,
)
from services.enterprise.inventory import InventoryRow


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


async def get_company_esim(caller: ApiCaller, esim_ref: str) -> InventoryRow:
    """One eSIM of the API caller's company, as the inventory shows it."""
    return await asyncio.to_thread(api_calls.get_esim, caller, esim_ref)


async def assign_recipients(caller: ApiCaller, people: list[tuple[str, str]], *, esim_refs: list[str] | None,
                            ip: str | None) -> AssignResult:
    """Give each (name, email) an in-stock eSIM of the API caller's company, all or none (409 on a race)."""
    return await asyncio.to_thread(api_calls.assign_recipients, caller, people, esim_refs=esim_refs, ip=ip)


__all__ = [
    "API_SCOPES",
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
    "assign_recipients",
    "authenticate_api_key",
    "company_catalogue",
    "create_api_key",
    "get_company_esim",
    "list_api_keys",
    "revoke_api_key",
]
