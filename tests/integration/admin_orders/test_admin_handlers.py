"""The order page's handlers as a browser tab calls them: a finance member reads but cannot open or send
a refund, and a support member's double-clicked refund confirmation refunds once."""

from __future__ import annotations

import httpx
import reflex as rx
from reflex.istate.data import PageData, URLData
from reflex_base import constants

import esim_app.esim_app  # noqa: F401  (every page and state registers itself)
from esim_app.state.admin.order import AdminOrderState
from services.accounts import passwords
from tests.support.orders import order_row
from tests.support.payments import SECRET_KEY
from tests.support.staff import staff_sign_in
from tests.support.tabs import exchange, tab


def _order_tab(role: str, ref: str) -> AdminOrderState:
    email = f"{role}-tab-{ref.lower()}@example.com"
    passwords.create_admin(email, "a long admin passphrase", staff_role=role)
    signed = exchange(staff_sign_in(email, "a long admin passphrase"))
    rx.State.setup_dynamic_args({"order_ref": constants.RouteArgType.SINGLE})
    state = tab(AdminOrderState, signed.token)
    root = state.parent_state
    while root.parent_state is not None:
        root = root.parent_state
    data = {"pathname": f"/admin/orders/{ref}", "asPath": f"/admin/orders/{ref}", "query": {"order_ref": ref}}
    root.rx_router_page = PageData.from_router_data(data)
    root.rx_router_url = URLData.from_router_data({**data, "headers": {"origin": "http://127.0.0.1:3000"}})
    return state  # type: ignore[return-value]


async def _drain(result) -> None:
    if hasattr(result, "__aiter__"):
        async for _ in result:
            pass
    elif hasattr(result, "__await__"):
        await result


async def test_finance_reads_but_cannot_refund_and_support_refunds_once(
        completed_order, stripe_sandbox: str) -> None:
    order_id = await completed_order("airalo")
    ref = order_row(order_id).display_id
    finance = _order_tab("finance", ref)
    await _drain(AdminOrderState.event_handlers["load"].fn(finance))
    assert finance.found and finance.allowed == []
    await _drain(AdminOrderState.event_handlers["ask"].fn(finance, "refund", 0))
    finance.pending = "refund"  # even a forged dialog state is refused by the service
    finance._key = "forged-key-123456"
    await _drain(AdminOrderState.event_handlers["confirm"].fn(finance, {"note": "sneaky"}))
    assert finance.error and order_row(order_id).status == "completed"

    support = _order_tab("support", ref)
    await _drain(AdminOrderState.event_handlers["load"].fn(support))
    assert "refund" in support.allowed and "retry" not in support.allowed
    await _drain(AdminOrderState.event_handlers["ask"].fn(support, "refund", 0))
    key = support._key
    await _drain(AdminOrderState.event_handlers["confirm"].fn(support, {"note": "Asked by phone", "amount": ""}))
    support.pending, support._key = "refund", key  # the same confirmation, replayed
    await _drain(AdminOrderState.event_handlers["confirm"].fn(support, {"note": "Asked by phone", "amount": ""}))
    intent = order_row(order_id).stripe_payment_intent_id
    refunds = httpx.get(f"{stripe_sandbox}/v1/refunds", params={"payment_intent": intent}, auth=(SECRET_KEY, "")).json()
    assert order_row(order_id).status == "refunded" and len(refunds["data"]) == 1
    assert support.notice == "Already done: nothing changed." and support.status == "refunded"
