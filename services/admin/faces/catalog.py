"""Admin face: providers (switch, figures, balance, test, sync) and the catalogue (margins, offers, rates)."""


from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

from services.accounts.sessions import Identity
from services.admin import catalog as _catalog
from services.admin import provider_checks as _checks
from services.admin import providers as _providers
from services.admin.catalog import MarginPreview, MarginRulesView, MarginSaved, OfferGroupsPage, OfferRowView
from services.admin.provider_checks import ConnectionTestView
from services.admin.providers import ProvidersOverview, ProviderStatusView, UnknownProvider
from services.catalog.overrides import OfferFlagsView
from services.catalog.reprice import PriceChange
from services.core.provider_runtime import get_registry
from services.store.margins import SCOPES as MARGIN_SCOPES
from services.store.margins import MarginChange

# -- providers (owners and operations act; every staff role reads) ----------------------------------


async def list_providers(identity: Identity) -> ProvidersOverview:
    """Every provider: switch, 24-hour call figures, catalogue counts, last sync, live balance."""
    return await _checks.overview_with_balances(identity, get_registry())


async def set_provider_enabled(identity: Identity, provider_id: str, enabled: bool, *, ip: str | None) -> None:
    """Switch a provider on or off at runtime: new orders, failover and the storefront follow at once."""
    await asyncio.to_thread(_providers.set_enabled, identity, provider_id, enabled, configured=get_registry().ids,
                            ip=ip)


async def set_low_balance_threshold(identity: Identity, provider_id: str, amount: str, *,
                                    ip: str | None) -> Decimal | None:
    return await asyncio.to_thread(_providers.set_threshold, identity, provider_id, amount, ip=ip)


async def test_provider_connection(identity: Identity, provider_id: str) -> ConnectionTestView:
    return await _checks.test_connection(identity, provider_id, get_registry())


def sync_catalogue_now(identity: Identity) -> AsyncIterator[str]:
    """The catalogue sync, now: progress lines as it goes, a summary last."""
    return _checks.sync_catalogue(identity, get_registry())


# -- catalogue and margins (owners and operations) ---------------------------------------------------


async def get_margin_rules(identity: Identity) -> MarginRulesView:
    return await asyncio.to_thread(_catalog.margin_rules, identity)


async def preview_margin(identity: Identity, change: MarginChange) -> MarginPreview:
    """Every offer whose price the change would change (old → new); nothing is stored."""
    return await asyncio.to_thread(_catalog.preview_margin, identity, change)


async def save_margin(identity: Identity, change: MarginChange, *, ip: str | None) -> MarginSaved:
    """Store the rule and reprice the catalogue at once (the storefront shows the new prices)."""
    return await asyncio.to_thread(_catalog.save_margin, identity, change, ip=ip)


async def list_offer_groups(identity: Identity, *, destination: str = "", page: int = 0,
                            page_size: int = 10) -> OfferGroupsPage:
    return await asyncio.to_thread(_catalog.list_offer_groups, identity, destination=destination, page=page,
                                   page_size=page_size)


async def set_offer_choice(identity: Identity, slug: str, choice: str, *, ip: str | None) -> OfferFlagsView:
    """"enable" / "disable" an offer by hand, or "auto" to hand it back to automatic choice."""
    return await asyncio.to_thread(_catalog.set_offer_choice, identity, slug, choice, ip=ip)


__all__ = [
    "MARGIN_SCOPES", "ConnectionTestView", "MarginChange", "MarginPreview", "MarginRulesView", "MarginSaved",
    "OfferFlagsView", "OfferGroupsPage", "OfferRowView", "PriceChange", "ProviderStatusView", "ProvidersOverview",
    "UnknownProvider", "get_margin_rules", "list_offer_groups", "list_providers",
    "preview_margin", "save_margin", "set_low_balance_threshold", "set_offer_choice",
    "set_provider_enabled", "sync_catalogue_now", "test_provider_connection",
]
