"""What storefront pages show of the operator's settings: display currencies, the refund window and
the owner's notice for customers.

Read through the catalogue cache, so public pages do not query the database on every view; a
settings change in this process clears it at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.core.cache import cached
from services.store.settings import StoreSettings, display_currencies, get_store_settings


@dataclass(frozen=True, slots=True)
class DisplaySettingsView:
    currencies: tuple[str, ...]  # the store currency first
    refund_window_days: int
    notice: str = ""  # shown above every storefront page when set


def storefront_settings() -> StoreSettings:
    """The operator settings, from the catalogue cache."""
    return cached(("store_settings",), get_store_settings)


def display_settings() -> DisplaySettingsView:
    settings = storefront_settings()
    return DisplaySettingsView(display_currencies(settings), settings.refund_window_days, settings.storefront_notice)
