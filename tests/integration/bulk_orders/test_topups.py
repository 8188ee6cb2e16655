"""Top-ups of a company's eSIMs from its inventory: the plans that fit them all, charged on account once,
the data added once per eSIM by the orders domain, against the simulators over HTTP."""

from __future__ import annotations

import uuid

import httpx
import pytest
import sqlalchemy as sa

from esim_app.state.business_topup import BusinessTopupState
from providers.registry import ProviderRegistry
from providers.sandbox.server import Sandbox
from services.accounts import passwords
from services.core import db
from services.core.models import Package
from services.enterprise import card, provisioning, purchasing, topups
from services.enterprise.distribution_errors import CompanyEsimNotFound
from services.enterprise.errors import CreditLimitExceeded, NotAllowed
from services.enterprise.faces.company import topup_offers
from tests.integration.bulk_orders.conftest import company_with_esims, count, new_company, teammate, total_mb
from tests.support.enterprise import company_user
from tests.support.orders import rival_topup
from tests.support.payments import SECRET_KEY, card_token
from tests.support.tabs import exchange, tab


async def test_two_esims_are_topped_up_once_each_and_charged_once(
        sandbox: Sandbox, registry: ProviderRegistry, plan: Package) -> None:
    # given a company with two eSIMs of one plan and credit for more
    who, refs = await company_with_esims(plan, registry, 2, plan.price_cents * 100)
    before = total_mb(refs)
    # when an operations user asks which top-ups fit both, and orders the cheapest twice (a double click)
    ops = teammate(who, "operations")
    offers = await topup_offers(ops, refs, registry=registry)
    assert offers, "the simulator offers top-ups for the plan"
    chosen = topups.targets(ops, refs)
    key = uuid.uuid4().hex
    first = topups.place(ops, chosen, offers[0], key=key, ip="10.1.2.3")
    again = topups.place(ops, chosen, offers[0], key=key, ip="10.1.2.3")
    # then one order of two top-ups is charged, and provisioning adds the data to each eSIM once
    assert again.order_id == first.order_id and first.esims == 2
    assert first.total_cents == offers[0].unit_price_cents * 2
    assert count("SELECT count(*) FROM ledger_entries WHERE bulk_order_id = :b AND kind = 'charge'",
                 b=first.order_id) == 1
    state = await provisioning.provision(first.order_id, registry=registry)
    assert (state.total, state.ready) == (2, 2)
    await provisioning.provision(first.order_id, registry=registry)
    package = _package(offers[0].slug)
    assert total_mb(refs) == [mb + package.data_mb for mb in before]
    assert purchasing.get_order(who, first.order_ref).progress_text == "2 of 2"
    assert count("SELECT count(*) FROM audit_log WHERE action = 'topup_ordered' AND enterprise_account_id = :c",
                 c=who.company_id) == 1


def _package(slug: str) -> Package:
    with db.session() as s:
        return s.exec(sa.select(Package).where(Package.slug == slug)).scalar_one()  # type: ignore[call-overload]


async def test_a_top_up_over_the_credit_limit_or_of_others_esims_is_refused(
        sandbox: Sandbox, registry: ProviderRegistry, plan: Package) -> None:
    who, refs = await company_with_esims(plan, registry, 1, plan.price_cents)  # the credit is used up
    offers = await topup_offers(who, refs, registry=registry)
    with pytest.raises(CreditLimitExceeded):
        topups.place(who, topups.targets(who, refs), offers[0], key=uuid.uuid4().hex, ip=None)
    assert count("SELECT count(*) FROM orders WHERE topup_of_esim_id IS NOT NULL AND enterprise_account_id = :c",
                 c=who.company_id) == 0
    stranger = new_company(credit_limit_cents=10**6)
    with pytest.raises(CompanyEsimNotFound):
        topups.targets(stranger, refs)
    for role in ("viewer", "finance"):
        with pytest.raises(NotAllowed):
            topups.targets(teammate(who, role), refs)


async def test_the_top_up_handlers_refuse_a_viewer(plan: Package) -> None:
    email = f"viewer-{uuid.uuid4().hex[:8]}@example.com"
    company_user(email, "correct horse battery staple", role="viewer")
    viewer = exchange(passwords.login_with_password("enterprise", email, "correct horse battery staple",
                                                    ip="10.6.0.1", user_agent=None))
    state = tab(BusinessTopupState, viewer.token)
    assert await BusinessTopupState.event_handlers["toggle"].fn(state, "ESM1") is not None
    assert await BusinessTopupState.event_handlers["find_offers"].fn(state) is not None
    assert state.selected == [] and state.offers == []


async def test_a_refused_company_top_up_stays_with_the_provider_of_the_esim(
        sandbox: Sandbox, registry: ProviderRegistry, plan: Package) -> None:
    # given a company's Airalo eSIM, a top-up Airalo says fits it, and a cheaper equivalent of another provider
    who, refs = await company_with_esims(plan, registry, 1, plan.price_cents * 100)
    offer = (await topup_offers(who, refs, registry=registry))[0]
    package = _package(offer.slug)
    placed = topups.place(who, topups.targets(who, refs), offer, key=uuid.uuid4().hex, ip=None)
    sandbox.sim("airalo").faults.failing_package_ids = {package.provider_package_id}
    # when Airalo refuses it
    with rival_topup(package):
        state = await provisioning.provision(placed.order_id, registry=registry)
    # then the top-up fails (listed, retryable) and no other provider was tried
    assert (state.ready, state.failed) == (0, 1)
    with db.get_engine().connect() as conn:
        row = conn.execute(sa.text("SELECT provider_id, package_id FROM orders WHERE bulk_order_id = :b"),
                           {"b": placed.order_id}).one()
    assert (row.provider_id, row.package_id) == ("airalo", package.id)


async def test_a_top_up_by_card_is_one_payment_for_the_total_then_tops_up_each_esim(
        stripe_sandbox, webhooks, sandbox: Sandbox, registry: ProviderRegistry, plan: Package) -> None:
    # given a company with two eSIMs and no credit left
    who, refs = await company_with_esims(plan, registry, 2, plan.price_cents * 2)
    before = total_mb(refs)
    offer = (await topup_offers(who, refs, registry=registry))[0]
    # when it orders a top-up of both by card: nothing is charged or queued until the card pays
    placed = topups.place(who, topups.targets(who, refs), offer, payment="card", key=uuid.uuid4().hex, ip=None)
    assert placed.status == "pending" and placed.total_cents == offer.unit_price_cents * 2
    assert count("SELECT count(*) FROM orders WHERE bulk_order_id = :b", b=placed.order_id) == 0
    paid = card.pay(who, placed.order_ref, card_token=card_token(stripe_sandbox))
    # then one PaymentIntent pays the total, and each eSIM gets the top-up's data once
    assert paid.paid and paid.newly_paid
    with db.get_engine().connect() as conn:
        intent = conn.execute(sa.text("SELECT stripe_payment_intent_id FROM bulk_orders WHERE id = :b"),
                              {"b": placed.order_id}).scalar_one()
    amount = httpx.get(f"{stripe_sandbox}/v1/payment_intents/{intent}", auth=(SECRET_KEY, "")).json()["amount"]
    assert amount == placed.total_cents
    assert count("SELECT count(*) FROM ledger_entries WHERE bulk_order_id = :b", b=placed.order_id) == 0
    state = await provisioning.provision(placed.order_id, registry=registry)
    assert (state.total, state.ready) == (2, 2)
    assert total_mb(refs) == [mb + _package(offer.slug).data_mb for mb in before]
    assert count("SELECT count(*) FROM orders WHERE bulk_order_id = :b AND kind = 'topup'"
                 " AND topup_of_esim_id IS NOT NULL", b=placed.order_id) == 2
