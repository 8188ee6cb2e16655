"""Enterprise: companies, their users and roles, invitations and password links, business API keys.

The public face for the UI and the CLI. Its functions are async and own their threads and
database sessions; services, jobs and tests import the submodules (`companies`, `links`) for the
synchronous functions. The company a caller acts for always comes from their session's identity.
"""

from __future__ import annotations

import asyncio

from services.accounts.sessions import Identity
from services.core.models import CompanyRole
from services.enterprise import api_keys, catalogue, companies, links
from services.enterprise.api_keys import SCOPES as API_SCOPES
from services.enterprise.api_keys import ApiCaller, ApiKeyView, CreatedApiKey
from services.enterprise.catalogue import CompanyCatalogue, CompanyOffer
from services.enterprise.companies import CreatedCompany, TeamMember
from services.enterprise.errors import (
    ApiKeyInvalid,
    ApiKeyNotFound,
    ApiKeyRevoked,
    ApiRateLimited,
    ApiScopeMissing,
    CompanySuspended,
    InvalidApiKeyRequest,
    InvalidCompanyName,
    InvalidLink,
    InvalidRole,
    NotAllowed,
    UserExists,
    UserNotFound,
)
from services.enterprise.links import LinkView

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


async def company_catalogue(caller: ApiCaller, destination: str, *, sort: str = "price") -> CompanyCatalogue:
    """Plans for a destination at the API caller's company prices."""
    return await asyncio.to_thread(catalogue.company_catalogue, caller, destination, sort=sort)


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
    "CompanySuspended",
    "CreatedApiKey",
    "InvalidApiKeyRequest",
    "CreatedCompany",
    "InvalidCompanyName",
    "InvalidLink",
    "InvalidRole",
    "LinkView",
    "NotAllowed",
    "TeamMember",
    "UserExists",
    "UserNotFound",
    "authenticate_api_key",
    "change_role",
    "check_link",
    "company_catalogue",
    "create_api_key",
    "create_company",
    "invite_user",
    "list_api_keys",
    "list_team",
    "request_password_reset",
    "revoke_api_key",
    "set_password",
]
