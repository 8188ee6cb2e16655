"""The quote pages' states, their handlers called as a tab would: a company admin requests a quote
with a plan line and a need line through the form, a viewer cannot; staff price it through the
pricing form (a package for the need) and the company accepts it from its page."""

from __future__ import annotations

import inspect
import uuid

import pytest
import reflex as rx
from reflex.istate.data import PageData
from sqlmodel import select

from esim_app.state.admin_quotes import QuotePricingState
from esim_app.state.quotes import BusinessQuotesState, BusinessQuoteState
from services.accounts import passwords
from services.core import db
from services.core.models import EnterpriseQuote
from tests.integration.enterprise.test_quotes import plan
from tests.support.enterprise import company_user
from tests.support.staff import staff_sign_in
from tests.support.tabs import SignedIn, exchange, tab

PASSWORD = "correct horse battery staple"


async def _run(state: rx.State, name: str, *args) -> list:
    result = type(state).event_handlers[name].fn(state, *args)
    if hasattr(result, "__aiter__"):
        return [item async for item in result]
    return [await result] if inspect.isawaitable(result) else [result]


def _company_user(role: str, company_id: int | None = None) -> SignedIn:
    email = f"p-{uuid.uuid4().hex[:10]}@example.com"
    company_user(email, PASSWORD, role=role, company_id=company_id)
    return exchange(passwords.login_with_password("enterprise", email, PASSWORD, ip="10.3.0.1", user_agent=None))


def _on_quote_page(state: rx.State, ref: str) -> rx.State:
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    root.rx_router_page = PageData.from_router_data({"pathname": "/q", "asPath": "/q", "query": {"quote_ref": ref}})
    return state


def _quotes_of(company_id: int) -> list[str]:
    with db.session() as s:
        return list(s.exec(select(EnterpriseQuote.display_id)
                           .where(EnterpriseQuote.enterprise_account_id == company_id)).all())


@pytest.fixture(autouse=True)
def _route_args() -> None:
    rx.State.setup_dynamic_args({"quote_ref": rx.constants.RouteArgType.SINGLE})


async def test_a_quote_goes_from_the_request_form_through_pricing_to_acceptance(database_url: str) -> None:
    admin, slug, need_slug = _company_user("admin"), plan(), plan(900)
    viewer = _company_user("viewer", company_id=admin.identity.org_id)
    form = {"plan_0": slug, "quantity_0": "20", "countries_1": "France, DE", "data_1": "5", "days_1": "10",
            "quantity_1": "3", "wanted_by": "", "note": "Offsite"}
    # a viewer's tab neither opens the form nor submits one
    seen = tab(BusinessQuotesState, viewer.token)
    await _run(seen, "start")
    await _run(seen, "submit", form)
    assert not seen.composing and _quotes_of(admin.identity.org_id) == []
    # the admin adds a need line and submits
    page = tab(BusinessQuotesState, admin.token)
    await _run(page, "load")
    await _run(page, "start")
    await _run(page, "add_line", True)
    assert [(d.key, d.custom) for d in page.draft] == [(0, False), (1, True)] and page.plans
    await _run(page, "submit", {**form, "quantity_1": "many"})
    assert "Line 2" in page.error and _quotes_of(admin.identity.org_id) == []
    await _run(page, "submit", form)
    [ref] = _quotes_of(admin.identity.org_id)
    # staff price it, picking a package for the need
    email = f"fin-{uuid.uuid4().hex[:8]}@example.com"
    passwords.create_admin(email, "a long admin passphrase", staff_role="finance")
    pricing = _on_quote_page(tab(QuotePricingState, exchange(staff_sign_in(email, "a long admin passphrase")).token),
                             ref)
    await _run(pricing, "load")
    assert pricing.status == "requested" and pricing.has_needs and len(pricing.lines) == 2
    plan_line, need_line = pricing.lines
    await _run(pricing, "send", {f"price_{plan_line.id}": "6.50", f"price_{need_line.id}": "9",
                                 f"package_{need_line.id}": need_slug, "valid_until": pricing.valid_until})
    assert pricing.error == "" and pricing.status == "priced" and pricing.total == "$157.00"
    # the viewer reads it but cannot accept; the admin accepts
    viewer_page = _on_quote_page(tab(BusinessQuoteState, viewer.token), ref)
    await _run(viewer_page, "load")
    assert viewer_page.status == "priced" and not viewer_page.can_decide
    await _run(viewer_page, "accept")
    quote = _on_quote_page(tab(BusinessQuoteState, admin.token), ref)
    await _run(quote, "load")
    assert quote.can_decide and quote.total == "$157.00"
    await _run(quote, "accept")
    assert quote.status == "accepted" and quote.order_ref and quote.order_ref in quote.notice
