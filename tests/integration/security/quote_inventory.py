"""The quote, company, company-audit and top-up parts of the handler inventory: arguments a hostile
tab would send, and a priced quote of Acme's for the checks to guard."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from services.enterprise import quote_pricing
from services.enterprise import quotes as enterprise_quotes
from tests.support.tabs import SignedIn

QUOTE_ARGS: dict[str, Callable[[Any], tuple]] = {
    "BusinessAuditState.apply_filter": lambda r: ({"action": "log"},),
    "BusinessAuditState.sort_by": lambda r: ("when",),
    "BusinessAuditState.go_to_page": lambda r: (1,),
    "BusinessTopupState.toggle": lambda r: (r.company_esims[1],),
    "BusinessTopupState.place": lambda r: ({"plan": "x"},),
    "BusinessQuotesState.search_plans": lambda r: ({"plan_query": "jap"},),
    "BusinessQuotesState.add_line": lambda r: (True,),
    "BusinessQuotesState.remove_line": lambda r: (0,),
    "BusinessQuotesState.submit": lambda r: ({"plan_0": "x", "quantity_0": "5", "note": "mine"},),
    "BusinessQuotesState.sort_by": lambda r: ("created",),
    "BusinessQuotesState.go_to_page": lambda r: (1,),
    "CompaniesState.search": lambda r: ({"query": "acme"},),
    "CompaniesState.create": lambda r: ({"name": "Mallory Inc", "email": f"m-{uuid.uuid4().hex[:8]}@example.com",
                                         "credit_limit": "100"},),
    "CompaniesState.ask": lambda r: (r.company, True),
    "CompaniesState.sort_by": lambda r: ("name",),
    "CompaniesState.go_to_page": lambda r: (1,),
    "QuoteQueueState.set_filter": lambda r: ("priced",),
    "QuoteQueueState.sort_by": lambda r: ("created",),
    "QuoteQueueState.go_to_page": lambda r: (1,),
    "QuotePricingState.search_packages": lambda r: ({"package_query": "japan"},),
    "QuotePricingState.send": lambda r: ({"price_1": "0.01", "valid_until": "2099-01-01"},),
}


def acme_quote(acme: SignedIn, staff: SignedIn, *, slug: str, note: str) -> str:
    """A priced quote of Acme's (its note carries the marker)."""
    view = enterprise_quotes.request_quote(acme.identity, [enterprise_quotes.LineRequest(20, plan_slug=slug)],
                                           wanted_by=None, note=note, ip=None)
    quote_pricing.send_quote(staff.identity, view.ref, prices={view.lines[0].id: quote_pricing.LinePrice(650)},
                             valid_until=dt.date.today() + dt.timedelta(days=10), ip=None)
    return view.ref


# The company roles each enterprise handler serves (state-wide, or "State.handler"); a viewer of Acme is
# called too and must be refused (nothing changes, none of Acme's data reaches the tab). Unlisted
# handlers serve every company role (a viewer reads the eSIMs, orders, quotes and overview).
_OPS = ("admin", "operations")
COMPANY_ALLOWED: dict[str, tuple[str, ...]] = {
    "TeamState": ("admin",),
    "ApiKeysState": ("admin",),
    "BusinessAuditState": ("admin",),
    "BusinessTopupState": _OPS,
    "BillingState": ("admin", "finance"),
    "StatementState": ("admin", "finance"),
    **dict.fromkeys(("EsimsState.take_form", "EsimsState.submit_assign", "EsimsState.pick", "EsimsState.ask_revoke",
                     "EsimsState.assign_picked", "EsimsState.confirm_revoke"), _OPS),
    **dict.fromkeys(("BulkOrdersState.search_plans", "BulkOrdersState.choose_plan", "BulkOrdersState.set_quantity",
                     "BulkOrdersState.place"), _OPS),
    **dict.fromkeys(("BulkOrderState.pay_on_account", "BulkOrderState.charge", "BulkOrderState.authenticated",
                     "BulkOrderState.retry_failed"), _OPS),
    **dict.fromkeys(("BusinessQuotesState.start", "BusinessQuotesState.search_plans", "BusinessQuotesState.submit",
                     "BusinessQuoteState.accept", "BusinessQuoteState.reject"), _OPS),
}

