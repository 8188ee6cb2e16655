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
    "invalid_email": "Enter a valid email address.",
    "weak_password": "Choose a stronger password.",
    "password_too_short": "Use at least {min_length} characters.",
    "password_too_long": "Use at most {max_bytes} bytes.",
    "already_exists": "An account with this email exists already.",
    "invalid_code": "That code is wrong or has expired. Request a new one.",
    "too_many_attempts": "Too many wrong tries for this code. Request a new one.",
    "invalid_credentials": "Wrong email or password.",
    "account_disabled": "This account is disabled. Contact support.",
    "rate_limited": "Too many sign-in attempts. Try again in {minutes} min.",
    "invalid_profile": "Please check your details.",
    "name_too_long": "A name can have at most {max_length} characters.",
    "name_unstorable": "A name contains characters we cannot store.",
    "country_not_listed": "Choose a country from the list.",
    "currency_not_offered": "Choose one of these currencies: {choices}.",
    "language_not_offered": "Choose one of these languages: {choices}.",
    "profile_not_found": "We could not find your account.",
    "invalid_ticket": "Please check your ticket.",
    "ticket_subject_missing": "Please write a subject.",
    "ticket_subject_too_long": "The subject is too long: at most {max_length} characters, please.",
    "ticket_message_missing": "Please write a message.",
    "ticket_message_too_long": "The message is too long: at most {max_length} characters, please.",
    "ticket_order_not_found": "We could not find that order in your account.",
    "too_many_open_tickets": "You have many open tickets already. Please reply to one of them instead.",
    "ticket_staff_only": "Only an active administrator can answer tickets.",
    "ticket_not_found": "We could not find that ticket.",
    "sandbox_only": "This page exists only in the sandbox.",
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
