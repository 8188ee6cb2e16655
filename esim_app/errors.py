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
