"""The unified catalogue: one import for pages, jobs and the CLI.

Writes: `sync_packages` / `run_sync_packages` (catalog_sync), admin overrides (catalog_admin).
Reads for the storefront: catalog_queries. Pricing rules: pricing and store_settings.
"""

from services.catalog.overrides import OfferFlagsView, OfferNotFound, return_offer_to_auto, set_offer_enabled
from services.catalog.pricing import UnknownCurrency
from services.catalog.queries import (
    CoverageCountry,
    DestinationOffersView,
    InvalidSort,
    OfferDetailView,
    OfferView,
    UnknownDestination,
    destinations_with_offers,
    get_offer,
    list_country_offers,
    list_global_offers,
    list_region_offers,
    price_in,
    storefront_settings,
)
from services.catalog.sync import ProviderSyncResult, SyncReport, run_sync_packages, sync_packages
from services.core.cache import invalidate_catalog_cache

__all__ = [
    "CoverageCountry", "DestinationOffersView", "InvalidSort", "OfferDetailView", "OfferFlagsView", "OfferNotFound",
    "OfferView", "ProviderSyncResult", "SyncReport", "UnknownCurrency", "UnknownDestination",
    "destinations_with_offers", "get_offer", "invalidate_catalog_cache", "list_country_offers", "list_global_offers",
    "list_region_offers", "price_in", "return_offer_to_auto", "run_sync_packages", "set_offer_enabled",
    "storefront_settings", "sync_packages",
]
