"""Calling the account handlers directly (as any websocket client can) with another customer's references."""

from __future__ import annotations

import pytest
import reflex as rx

from esim_app.state.refund import RefundState
from esim_app.state.support import SupportState, TicketState
from services.accounts import sessions
from services.support import tickets as support
from tests.integration.support.conftest import new_order
from tests.support.tabs import tab


def _signed_in_as(user_id: int, state_class: type[rx.State], monkeypatch: pytest.MonkeyPatch):
    """`state_class` in a fresh state tree whose session resolves to `user_id`."""
    identity = sessions.Identity(role="customer", principal_id=user_id, email=f"{user_id}@example.com",
                             display_name="Bob", session_id=1)
    monkeypatch.setattr(sessions, "resolve_session", lambda token: identity if token == "bob-token" else None)
    return tab(state_class, "bob-token")


async def test_ticket_handlers_refuse_another_customers_ticket(alice: int, bob: int, monkeypatch) -> None:
    # given Alice's ticket, and Bob's browser pointing at its reference
    ref = support.open_ticket(alice, subject="Private", body="My details").summary.ref
    state = _signed_in_as(bob, TicketState, monkeypatch)
    monkeypatch.setattr(TicketState, "_ref", lambda self: ref)
    # when Bob loads, replies to and closes it
    await state.load()
    assert (state.found, state.messages) == (False, [])
    await state.send_reply({"body": "Sneaky"})
    await state.close()
    # then nothing of Alice's was shown or changed
    assert state.subject == "" and "could not find" in state.error
    detail = support.get_ticket(alice, ticket_ref=ref)
    assert detail.summary.status == "open" and [m.body for m in detail.messages] == ["My details"]


async def test_new_ticket_cannot_attach_another_customers_order(alice: int, bob: int, monkeypatch) -> None:
    order_ref = new_order(alice)
    state = _signed_in_as(bob, SupportState, monkeypatch)
    await state.open_ticket({"subject": "About an order", "body": "Hi", "order_ref": order_ref})
    assert "could not find that order" in state.error and support.list_tickets(bob).total == 0


async def test_refund_panel_ignores_another_customers_order(alice: int, bob: int, monkeypatch) -> None:
    order_ref = new_order(alice)
    state = _signed_in_as(bob, RefundState, monkeypatch)
    await state.load(order_ref)
    assert (state.eligible, state.refunded, state._order_ref) == (False, False, "")
    events = [e async for e in state.request({"reason": "Not mine"})]
    assert events == [] and state.notice == ""


async def test_handlers_without_a_session_redirect_to_sign_in(database_url: str) -> None:
    state = rx.State().get_substate(SupportState.get_full_name().split(".")[1:])
    redirect = await state.open_ticket({"subject": "x", "body": "y"})
    assert "/login" in str(redirect) and state.tickets == []
