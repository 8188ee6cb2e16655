"""The one place the UI turns a service error's stable `code` into words for the reader.

Services never put customer-facing text in exceptions; they raise `ServiceError` subclasses with
a `code` (and `params` for placeholders). Every code a page can meet has an entry here; a unit
test walks every `ServiceError` subclass and fails on a code without words.
"""

from __future__ import annotations

from services.core import ServiceError

FALLBACK = "Something went wrong on our side. Please try again, or contact support."

MESSAGES: dict[str, str] = {
    # -- catalog and store settings --
    "unknown_destination": "We do not sell plans for that destination. Use a country code such as JP, "
                           "a region such as europe, or global.",
    "invalid_sort": "Sort plans by price, data or days.",
    "invalid_filter": "That filter is not available. Choose one of the listed options.",
    "unknown_currency": "Prices cannot be shown in that currency. Choose one of the listed currencies.",
    "offer_not_found": "This plan is no longer on sale. Have a look at the other plans for your trip.",
    "invalid_setting": "That setting value is not valid. Check the allowed range and try again.",
    # -- orders, eSIMs, top-ups, refunds, payments --
    # -- accounts, profile, support, notifications --
}


def message_for(error: ServiceError) -> str:
    """Words for `error`, filled with its params; a generic sentence for an unknown code."""
    template = MESSAGES.get(error.code)
    if template is None:
        return FALLBACK
    try:
        return template.format(**error.params)
    except (KeyError, IndexError, ValueError):
        return FALLBACK
