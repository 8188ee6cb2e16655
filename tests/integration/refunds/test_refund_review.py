"""No free eSIMs: the provider's live answer decides a customer's refund; anything short of a confirmed
cancel goes to staff review, and staff approve (refund once) or reject (refund nothing)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import sqlalchemy as sa

from providers.registry import ProviderRegistry
from providers.sandbox.server import Sandbox
from services import orders
from services.accounts import passwords
from services.core import db
from services.core.models import OrderStatus
from services.orders.errors import NotAnAdministrator, RefundNotInReview
from tests.support.orders import order_row
from tests.support.payments import SECRET_KEY, audit_actions


def _ref(order_id: int) -> str:
    return order_row(order_id).display_id


def _stripe_refunds(stripe_base: str, order_id: int) -> list[dict]:
    intent = order_row(order_id).stripe_payment_intent_id
    return httpx.get(f"{stripe_base}/v1/refunds", params={"payment_intent": intent}, auth=(SECRET_KEY, "")).json()["data"]


def _sim_esims(sandbox: Sandbox, order_id: int) -> list:
    provider_order = order_row(order_id).provider_order_id
    return [e for e in sandbox.sim("esim_access").esims.values() if e.order_no == provider_order]


def _admin(tag: str) -> int:
    return passwords.create_admin(f"review-{tag}@example.com", "a long admin passphrase", name="Ops")


async def test_esim_installed_at_the_provider_but_not_in_our_records_is_not_refunded(
        sandbox: Sandbox, registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    # given an eSIM our database still shows as never installed, but which the customer installed and used
    order_id = await completed_order("esim_access")
    for esim in _sim_esims(sandbox, order_id):
        esim.profile.issued_at = sandbox.sim("esim_access").clock.now() - dt.timedelta(days=2)
    # when the customer asks for a refund
    view = await orders.request_refund(customer, order_ref=_ref(order_id), reason="Changed my mind", registry=registry)
    # then the provider's live answer sends it to staff: not cancelled, not refunded
    assert (view.status, view.provider_outcome, view.amount_cents) == ("review", "in_use", 0)
    assert [e.cancelled for e in _sim_esims(sandbox, order_id)] == [False]
    assert _stripe_refunds(stripe_sandbox, order_id) == []
    assert order_row(order_id).status == OrderStatus.COMPLETED


async def test_provider_unreachable_at_that_moment_means_review_not_a_refund(
        sandbox: Sandbox, registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    order_id = await completed_order("esim_access")
    sandbox.sim("esim_access").faults.update({"fail_next": 1000})
    view = await orders.request_refund(customer, order_ref=_ref(order_id), reason="Trip cancelled", registry=registry)
    sandbox.sim("esim_access").faults.update({"fail_next": 0})
    assert (view.status, view.provider_outcome) == ("review", "unreachable")
    assert _stripe_refunds(stripe_sandbox, order_id) == []
    assert [e.cancelled for e in _sim_esims(sandbox, order_id)] == [False]
    # and asking again does not slip past the review once the provider is back
    again = await orders.request_refund(customer, order_ref=_ref(order_id), reason="Trip cancelled", registry=registry)
    assert (again.status, again.changed) == ("review", False) and _stripe_refunds(stripe_sandbox, order_id) == []


async def test_staff_see_the_queue_and_an_approval_refunds_once(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    # given a request in review (a provider without cancel)
    order_id = await completed_order("airalo")
    ref = _ref(order_id)
    await orders.request_refund(customer, order_ref=ref, reason="Wrong plan", registry=registry)
    admin_id = _admin(ref)
    # when staff list the queue, then approve
    queue = await orders.list_refund_requests(admin_id)
    [row] = [r for r in queue if r.order_ref == ref]
    assert (row.why_review, row.reason, row.status) == ("unsupported", "Wrong plan", "review")
    assert row.amount_cents == order_row(order_id).price_cents
    view = await orders.decide_refund_request(admin_id, order_ref=ref, approve=True, note="Cancelled by hand")
    # then the card is refunded once, the order is refunded, and a second decision is refused
    assert (view.status, view.changed) == ("completed", True)
    assert [r["id"] for r in _stripe_refunds(stripe_sandbox, order_id)] == [view.refund_id]
    assert order_row(order_id).status == OrderStatus.REFUNDED
    with pytest.raises(RefundNotInReview):
        await orders.decide_refund_request(admin_id, order_ref=ref, approve=True, note="again")
    assert [a for a in audit_actions(order_id) if a.startswith("refund.")] == [
        "refund.requested", "refund.review", "refund.approved", "refund.stripe_refunded"]
    assert ref not in {r.order_ref for r in await orders.list_refund_requests(admin_id)}


async def test_staff_rejection_refunds_nothing_and_the_customer_sees_it(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    order_id = await completed_order("esim_go")
    ref = _ref(order_id)
    await orders.request_refund(customer, order_ref=ref, reason="No longer needed", registry=registry)
    view = await orders.decide_refund_request(_admin(ref), order_ref=ref, approve=False, note="Installed per operator")
    assert view.status == "rejected" and _stripe_refunds(stripe_sandbox, order_id) == []
    again = await orders.request_refund(customer, order_ref=ref, reason="Please", registry=registry)
    assert (again.status, again.changed) == ("rejected", False) and _stripe_refunds(stripe_sandbox, order_id) == []
    found = await orders.get_refund_eligibility(customer, order_ref=ref)
    assert (found.eligible, found.request_status) == (False, "rejected")


async def test_only_active_administrators_see_or_decide_the_queue(
        registry: ProviderRegistry, completed_order, customer: int) -> None:
    order_id = await completed_order("airalo")
    await orders.request_refund(customer, order_ref=_ref(order_id), reason="Wrong plan", registry=registry)
    with pytest.raises(NotAnAdministrator):
        await orders.list_refund_requests(987654320)
    with pytest.raises(NotAnAdministrator):
        await orders.decide_refund_request(987654321, order_ref=_ref(order_id), approve=True, note="x")
    with db.get_engine().connect() as conn:
        status = conn.execute(sa.text("SELECT status FROM refund_requests WHERE order_id = :id"),
                              {"id": order_id}).scalar_one()
    assert status == "review"
