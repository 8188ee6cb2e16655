"""The admin dashboard's refund queue state (`/admin/support`), its handlers called as a tab would:
support staff see requests in review, approve one (the card is refunded once) or reject one; a
customer's session reads nothing and decides nothing."""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa

from esim_app.state.refund_queue import RefundQueueState
from providers.registry import ProviderRegistry
from services import orders
from services.accounts import passwords
from services.core import db
from services.core.models import OrderStatus
from tests.integration.auth.conftest import latest_code
from tests.support.orders import order_row
from tests.support.payments import SECRET_KEY
from tests.support.staff import staff_sign_in
from tests.support.tabs import exchange, tab

PASSWORD = "a long admin passphrase"


async def _run(state, name: str, *args) -> list:
    """Run a handler as an event would; what it yielded or returned."""
    result = RefundQueueState.event_handlers[name].fn(state, *args)
    if hasattr(result, "__aiter__"):
        return [item async for item in result]
    return [await result]


def _support_tab(staff_role: str = "support") -> RefundQueueState:
    email = f"support-{uuid.uuid4().hex[:8]}@example.com"
    passwords.create_admin(email, PASSWORD, name="Sam", staff_role=staff_role)
    return tab(RefundQueueState, exchange(staff_sign_in(email, PASSWORD)).token)  # type: ignore[return-value]


async def _in_review(completed_order, customer: int, registry: ProviderRegistry, reason: str) -> tuple[int, str]:
    order_id = await completed_order("airalo")  # a provider without cancel: the request goes to review
    ref = order_row(order_id).display_id
    view = await orders.request_refund(customer, order_ref=ref, reason=reason, registry=registry)
    assert view.status == "review"
    return order_id, ref


def _stripe_refunds(stripe_base: str, order_id: int) -> list[dict]:
    intent = order_row(order_id).stripe_payment_intent_id
    return httpx.get(f"{stripe_base}/v1/refunds", params={"payment_intent": intent},
                     auth=(SECRET_KEY, "")).json()["data"]


def _request_status(order_id: int) -> str:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT status FROM refund_requests WHERE order_id = :id"),
                            {"id": order_id}).scalar_one()


async def test_support_approves_a_request_once_and_it_leaves_the_queue(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    order_id, ref = await _in_review(completed_order, customer, registry, "Wrong plan")
    state = _support_tab()
    await _run(state, "load")
    [row] = [r for r in state.requests if r.order_ref == ref]
    assert (row.reason, row.why) == ("Wrong plan", "The provider cannot cancel eSIMs") and row.customer_email
    # approve, with the confirm step
    await _run(state, "ask", ref, True)
    assert (state.pending_ref, state.pending_approve) == (ref, True)
    events = await _run(state, "decide", {"note": "Cancelled with the provider by hand"})
    assert RefundQueueState.load in events and state.error == "" and ref in state.notice
    await _run(state, "load")
    assert ref not in {r.order_ref for r in state.requests} and state.pending_ref == ""
    assert len(_stripe_refunds(stripe_sandbox, order_id)) == 1
    assert order_row(order_id).status == OrderStatus.REFUNDED
    # a second approval of the same order (a replayed event) refunds nothing more
    state.pending_ref, state.pending_approve = ref, True
    await _run(state, "decide", {"note": "again"})
    assert state.error == "This refund request is not waiting for a decision."
    assert len(_stripe_refunds(stripe_sandbox, order_id)) == 1
    # and a request that is no longer listed cannot be picked
    await _run(state, "ask", ref, True)
    assert state.pending_ref == ""


async def test_an_owner_rejects_a_request_and_nothing_is_refunded(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    order_id, ref = await _in_review(completed_order, customer, registry, "No longer needed")
    state = _support_tab("owner")
    await _run(state, "load")
    await _run(state, "ask", ref, False)
    await _run(state, "decide", {"note": "Installed per the operator"})
    assert state.error == "" and _request_status(order_id) == "rejected"
    assert _stripe_refunds(stripe_sandbox, order_id) == []
    assert order_row(order_id).status == OrderStatus.COMPLETED


async def test_a_customer_session_and_finance_staff_see_nothing_and_decide_nothing(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    order_id, ref = await _in_review(completed_order, customer, registry, "Trip cancelled")
    email = f"mallory-{uuid.uuid4().hex[:8]}@example.com"
    from services.accounts import codes

    codes.request_login_code(email, ip="10.9.7.7")
    mallory = exchange(codes.verify_login_code(email, latest_code(email), ip="10.9.7.7", user_agent=None))
    for state in (tab(RefundQueueState, mallory.token), _support_tab("finance"), tab(RefundQueueState, "")):
        await _run(state, "load")
        await _run(state, "ask", ref, True)
        state.pending_ref, state.pending_approve = ref, True  # even with a forged confirm step
        await _run(state, "decide", {"note": "approve it"})
        assert state.requests == [] and state.total == 0 and ref not in str(state.dict())
    assert _request_status(order_id) == "review" and _stripe_refunds(stripe_sandbox, order_id) == []
