"""What storefront pages show of the operator's settings: the currencies customers pay in, the refund window and
the owner's notice for customers.

Read through the catalogue cache, so public pages do not query the database on every view; a
settings change in this process clears it at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.store.currencies import sale_currencies, storefront_settings


@dataclass(frozen=True, slots=True)
class DisplaySettingsView:
    currencies: tuple[str, ...]  # customers pay in these; the store currency first
    refund_window_days: int
    notice: str = ""  # shown above every storefront page when set


def display_settings() -> DisplaySettingsView:
    settings = storefront_settings()
    return DisplaySettingsView(sale_currencies(settings), settings.refund_window_days, settings.storefront_notice)
