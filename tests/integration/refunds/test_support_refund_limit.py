"""Support's refund limit: one check (`refund_authority`) on every staff refund path — the administrator's
refund and approving a request in review. Support staff cannot refund above the store's limit; owners and
operations can; finance cannot refund at all; rejecting (which refunds nothing) stays open to support."""

from __future__ import annotations

import uuid

import httpx
import pytest
import sqlalchemy as sa

from providers.registry import ProviderRegistry
from services import orders
from services.orders import refunds
from services.accounts import passwords
from services.core import db
from services.orders.errors import NotAnAdministrator, RefundAboveLimit
from services.store import settings as store_settings
from tests.support.orders import order_row
from tests.support.payments import SECRET_KEY, audit_actions


def _staff(role: str) -> int:
    return passwords.create_admin(f"{role}-{uuid.uuid4().hex[:10]}@example.com", "a long admin passphrase",
                                  staff_role=role)


def _refunds(stripe_base: str, order_id: int) -> list[dict]:
    intent = order_row(order_id).stripe_payment_intent_id
    return httpx.get(f"{stripe_base}/v1/refunds", params={"payment_intent": intent}, auth=(SECRET_KEY, "")).json()["data"]


@pytest.fixture
def limit():
    def set_limit(cents: int) -> None:
        store_settings.set_support_refund_limit_cents(cents)
    yield set_limit
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = :k"), {"k": store_settings.SUPPORT_REFUND_LIMIT})


async def test_support_cannot_refund_above_the_limit_but_operations_can(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, limit) -> None:
    order_id = await completed_order("airalo")
    ref, price = order_row(order_id).display_id, order_row(order_id).price_cents
    limit(price - 1)
    with pytest.raises(RefundAboveLimit) as refused:
        await refunds.refund_order_as_admin(_staff("support"), order_ref=ref, reason="Goodwill", registry=registry)
    assert refused.value.params["limit"].startswith("$")
    with pytest.raises(NotAnAdministrator):
        await refunds.refund_order_as_admin(_staff("finance"), order_ref=ref, reason="Goodwill", registry=registry)
    assert _refunds(stripe_sandbox, order_id) == [] and not [a for a in audit_actions(order_id) if "refund." in a]
    view = await refunds.refund_order_as_admin(_staff("operations"), order_ref=ref, reason="Goodwill",
                                              registry=registry)
    assert view.status == "completed" and len(_refunds(stripe_sandbox, order_id)) == 1


async def test_support_refunds_within_the_limit(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, limit) -> None:
    order_id = await completed_order("airalo")
    limit(order_row(order_id).price_cents)  # the limit itself is allowed
    view = await refunds.refund_order_as_admin(_staff("support"), order_ref=order_row(order_id).display_id,
                                              reason="Goodwill", registry=registry)
    assert view.status == "completed"


async def test_support_cannot_approve_a_request_above_the_limit_but_may_reject_it(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int, limit) -> None:
    order_id = await completed_order("airalo")  # no cancel at this provider: the request goes to review
    ref = order_row(order_id).display_id
    await orders.request_refund(customer, order_ref=ref, reason="Wrong plan", registry=registry)
    limit(0)
    support = _staff("support")
    with pytest.raises(RefundAboveLimit):
        await orders.decide_refund_request(support, order_ref=ref, approve=True, note="ok")
    assert _refunds(stripe_sandbox, order_id) == []
    assert ref in {r.order_ref for r in await orders.list_refund_requests(support)}  # still waiting
    view = await orders.decide_refund_request(_staff("owner"), order_ref=ref, approve=True, note="ok")
    assert view.status == "completed"


async def test_support_may_reject_whatever_the_amount(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int, limit) -> None:
    order_id = await completed_order("airalo")
    ref = order_row(order_id).display_id
    await orders.request_refund(customer, order_ref=ref, reason="Wrong plan", registry=registry)
    limit(0)
    view = await orders.decide_refund_request(_staff("support"), order_ref=ref, approve=False, note="used")
    assert view.status == "rejected" and _refunds(stripe_sandbox, order_id) == []
