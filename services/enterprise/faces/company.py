"""Enterprise face: the company's own records for its admins (the audit log), and top-ups of its eSIMs."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from providers.registry import ProviderRegistry
from services.accounts.sessions import Identity
from services.core.provider_runtime import get_registry
from services.enterprise import company_audit, provisioning, topups
from services.enterprise.company_audit import CompanyAuditEntry, CompanyAuditPage
from services.enterprise.topups import MAX_ESIMS as MAX_TOPUP_ESIMS
from services.enterprise.topups import TopupOffer, TopupPlaced


async def list_company_audit(identity: Identity, *, action: str = "", page: int = 0,
                             page_size: int = 25) -> CompanyAuditPage:
    """One page of the caller's company's audit log, newest first (company admins only)."""
    return await asyncio.to_thread(company_audit.list_company_audit, identity, action=action, page=page,
                                   page_size=page_size)


async def topup_offers(identity: Identity, esim_refs: Sequence[str], *,
                       registry: ProviderRegistry | None = None) -> list[TopupOffer]:
    """The top-ups that fit every chosen eSIM of the caller's company, at its price, cheapest first
    (company admins and operations); empty when none fits them all."""
    chosen = await asyncio.to_thread(topups.targets, identity, esim_refs)
    provider_id, fitting = await topups.fitting_ids(chosen, registry or get_registry())
    if not fitting:
        return []
    return await asyncio.to_thread(topups.offers, identity, provider_id, fitting, len(chosen))


async def top_up_esims(identity: Identity, esim_refs: Sequence[str], plan_slug: str, *, key: str,
                       payment: str = "account", ip: str | None = None,
                       registry: ProviderRegistry | None = None) -> TopupPlaced:
    """Top up each chosen eSIM with `plan_slug`, once per `key`: charged on account within the credit
    limit, or (`payment="card"`) waiting for one card payment of the total on the bulk order's page
    (`pay_bulk_order_by_card`); the data is added in the background once paid (that page shows progress)."""
    chosen = await asyncio.to_thread(topups.targets, identity, esim_refs)
    provider_id, fitting = await topups.fitting_ids(chosen, registry or get_registry())
    offer = topups.pick(await asyncio.to_thread(topups.offers, identity, provider_id, fitting, len(chosen)),
                        plan_slug)
    placed = await asyncio.to_thread(topups.place, identity, chosen, offer, payment=payment, key=key,
                                   ip=ip)
    if placed.status == "provisioning":
        provisioning.provision_in_background([placed.order_id])
    return placed


__all__ = ["CompanyAuditEntry", "CompanyAuditPage", "MAX_TOPUP_ESIMS", "TopupOffer", "TopupPlaced",
           "list_company_audit", "top_up_esims", "topup_offers"]
