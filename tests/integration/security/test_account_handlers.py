"""Any websocket client can call any handler: account handlers must answer only for the caller.

Sessions here are real (signed in with an emailed code); another customer's references are fed
to the handlers exactly as a hostile browser could.
"""

from __future__ import annotations

import re
import uuid

import pytest
import reflex as rx
import sqlalchemy as sa

from esim_app.state.account import AccountState, EsimPageState, OrderStatusState
from esim_app.state.auth import AuthState
from esim_app.state.topup import TopupState
from services.accounts import codes, sessions
from services.core import db
from services.core.models import Esim, Order, OrderStatus, Package
from tests.support.tabs import SignedIn, exchange, tab


def _sign_in(email: str) -> SignedIn:
    codes.request_login_code(email, ip="203.0.113.9")
    with db.get_engine().connect() as conn:
        body = conn.execute(sa.text("SELECT text_body FROM email_outbox WHERE to_address = :e ORDER BY id DESC"),
                            {"e": email}).scalar()
    code = re.search(r"\b(\d{6})\b", body).group(1)
    return exchange(codes.verify_login_code(email, code, ip="203.0.113.9", user_agent="pytest"))


def _customer_with_esim() -> tuple[SignedIn, str, str]:
    """A signed-in customer owning one completed order with one eSIM: (session, order ref, eSIM ref)."""
    session = _sign_in(f"owner-{uuid.uuid4().hex[:8]}@example.com")
    suffix = uuid.uuid4().hex[:10]
    with db.session() as s:
        package = Package(slug=f"sec-{suffix}", provider_id="airalo", provider_package_id=f"p-{suffix}", kind="local",
                          destination_code="JP", destination_name="Japan", name="Japan 3 GB", data_mb=3072,
                          validity_days=15, cost_micros=4_000_000, price_cents=799, group_key=f"g-{suffix}")
        s.add(package)
        s.flush()
        order = Order(user_id=session.identity.principal_id, package_id=package.id, client_reference=suffix,
                      price_cents=799, status=OrderStatus.COMPLETED)
        s.add(order)
        s.flush()
        esim = Esim(order_id=order.id, user_id=session.identity.principal_id, provider_id="airalo",
                    iccid=f"8944{suffix}", lpa=f"LPA:1$rsp.example.com${suffix}", smdp_address="rsp.example.com",
                    matching_id=suffix, total_mb=3072)
        s.add(esim)
        s.commit()
        return session, order.display_id, esim.display_id


def _tab(token: str, state_class: type[rx.State]) -> rx.State:
    """`state_class` in a fresh browser tab whose session cookie is `token`."""
    return tab(state_class, token)


@pytest.fixture
def alice(database_url: str) -> tuple[SignedIn, str, str]:
    return _customer_with_esim()


@pytest.fixture
def bob(database_url: str) -> SignedIn:
    return _sign_in(f"bob-{uuid.uuid4().hex[:8]}@example.com")


async def test_the_owner_sees_the_activation_details(alice, monkeypatch) -> None:
    session, _, esim_ref = alice
    state = _tab(session.token, EsimPageState)
    monkeypatch.setattr(EsimPageState, "_ref", lambda self: esim_ref)
    await state.load()
    assert state.found and state.lpa.startswith("LPA:1$") and state.qr_data_uri.startswith("data:image/png")


async def test_another_customer_cannot_read_the_esim(alice, bob, monkeypatch) -> None:
    _, _, esim_ref = alice
    state = _tab(bob.token, EsimPageState)
    monkeypatch.setattr(EsimPageState, "_ref", lambda self: esim_ref)
    await state.load()
    assert not state.found and state.lpa == "" and state.qr_data_uri == "" and state.iccid == ""
    assert "could not find" in state.error


async def test_another_customer_cannot_read_the_order(alice, bob, monkeypatch) -> None:
    _, order_ref, _ = alice
    state = _tab(bob.token, OrderStatusState)
    monkeypatch.setattr(OrderStatusState, "_ref", lambda self: order_ref)
    await state.load()
    assert state.status == "" and state.plan_name == "" and state.first_esim_ref == ""


async def test_another_customer_cannot_list_top_ups_for_the_esim(alice, bob, monkeypatch) -> None:
    _, _, esim_ref = alice
    state = _tab(bob.token, TopupState)
    monkeypatch.setattr(TopupState, "_ref", lambda self: esim_ref)
    await state.load()
    assert state.plans == [] and "could not find" in state.error


async def test_the_account_lists_only_the_callers_esims_and_orders(alice, bob) -> None:
    state = _tab(bob.token, AccountState)
    await state.load()
    assert state.esims == [] and state.orders == []


async def test_a_revoked_session_is_sent_to_sign_in_at_its_next_event(alice) -> None:
    session, _, _ = alice
    state = _tab(session.token, AccountState)
    assert await state.load() is None and len(state.esims) == 1
    sessions.revoke_session(session.token)
    redirect = await state.load()
    assert "/login" in str(redirect)
    assert state.esims == [] and state.orders == [] and (await state.get_state(AuthState)).role == ""


async def test_no_session_means_no_data(alice) -> None:
    state = _tab("", EsimPageState)
    redirect = await state.load()
    assert "/login" in str(redirect) and state.lpa == ""

