"""The store's public face: the operator settings that pages show. The UI imports only this module.

Reading and changing the settings themselves (margins, rounding, rates, refund window) is
`services.store.settings`, for jobs, tests and the admin domain.
"""

from __future__ import annotations

from services.core import cache
from services.store.display import DisplaySettingsView, display_settings
from services.store.settings import STORE_CURRENCY, InvalidSetting


async def get_display_settings() -> DisplaySettingsView:
    """Display currencies (store currency first) and the refund window, for every storefront page."""
    return await cache.read(("view", "display_settings"), display_settings)


__all__ = ["STORE_CURRENCY", "DisplaySettingsView", "InvalidSetting", "get_display_settings"]
