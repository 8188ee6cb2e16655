"""Refunds of never-installed eSIMs: cancelled with the provider, refunded once through Stripe, recorded."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest
import sqlalchemy as sa

from providers.registry import ProviderRegistry
from providers.sandbox.server import Sandbox
from services.accounts import passwords
from services.core import db
from services.core.models import OrderStatus
from services.orders import refunds
from services.orders.errors import (
    EsimAlreadyUsed,
    NotAnAdministrator,
    OrderNotCompleted,
    OrderNotFound,
    RefundReasonMissing,
    RefundWindowPassed,
)
from services.store import settings as store_settings
from services.store.settings import InvalidSetting
from tests.support.orders import new_customer, order_row, paid_by_card
from tests.support.payments import SECRET_KEY, audit_actions


def _ref(order_id: int) -> str:
    return order_row(order_id).display_id


def _stripe_refunds(stripe_base: str, order_id: int) -> list[dict]:
    intent = order_row(order_id).stripe_payment_intent_id
    return httpx.get(f"{stripe_base}/v1/refunds", params={"payment_intent": intent}, auth=(SECRET_KEY, "")).json()["data"]


def _esim_statuses(order_id: int) -> list[str]:
    with db.get_engine().connect() as conn:
        return list(conn.execute(sa.text("SELECT status FROM esims WHERE order_id = :id"), {"id": order_id}).scalars())


def _refund_actions(order_id: int) -> list[str]:
    return [a for a in audit_actions(order_id) if a.startswith("refund.")]


async def test_unused_esim_access_esim_is_cancelled_then_refunded_once(
        sandbox: Sandbox, registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    # given a completed eSIM Access order whose eSIM was never installed
    order_id = await completed_order("esim_access")
    ref = _ref(order_id)
    # when the customer asks for a refund twice
    first = await refunds.request_refund(customer, order_ref=ref, reason="Trip cancelled", registry=registry)
    second = await refunds.request_refund(customer, order_ref=ref, reason="Trip cancelled", registry=registry)
    # then the provider cancelled the eSIM and Stripe refunded the price once
    assert (first.status, first.provider_outcome, first.changed) == ("completed", "cancelled", True)
    assert second == dataclasses.replace(first, changed=False)
    assert [r["id"] for r in _stripe_refunds(stripe_sandbox, order_id)] == [first.refund_id]
    assert _stripe_refunds(stripe_sandbox, order_id)[0]["amount"] == order_row(order_id).price_cents
    sim = sandbox.sim("esim_access")
    provider_order = order_row(order_id).provider_order_id
    assert [e.cancelled for e in sim.esims.values() if e.order_no == provider_order] == [True]
    assert order_row(order_id).status == OrderStatus.REFUNDED
    assert _esim_statuses(order_id) == ["cancelled"]
    assert _refund_actions(order_id) == ["refund.requested", "refund.provider_cancelled", "refund.stripe_refunded"]
    with db.get_engine().connect() as conn:
        mail = conn.execute(sa.text("SELECT subject FROM email_outbox WHERE template = 'order_refunded' "
                                    "ORDER BY id DESC LIMIT 1")).one()
    assert ref in mail.subject


async def test_concurrent_requests_refund_once(registry: ProviderRegistry, stripe_sandbox: str, completed_order,
                                               customer: int) -> None:
    order_id = await completed_order("esim_access")
    results = await asyncio.gather(*(refunds.request_refund(customer, order_ref=_ref(order_id), reason="Not needed",
                                                            registry=registry) for _ in range(3)))
    assert sum(r.changed for r in results) == 1 and len({r.refund_id for r in results}) == 1
    assert len(_stripe_refunds(stripe_sandbox, order_id)) == 1
    assert _refund_actions(order_id).count("refund.provider_cancelled") == 1


async def test_provider_without_cancel_goes_to_staff_review_and_refunds_nothing(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    # given a never-installed eSIM from a provider that cannot cancel (the customer still holds its activation string)
    order_id = await completed_order("airalo")
    # when the customer asks for a refund, twice
    view = await refunds.request_refund(customer, order_ref=_ref(order_id), reason="Wrong plan", registry=registry)
    again = await refunds.request_refund(customer, order_ref=_ref(order_id), reason="Wrong plan", registry=registry)
    # then staff must review it: nothing refunded, the eSIM and order untouched
    assert (view.status, view.provider_outcome, view.refund_id) == ("review", "unsupported", "")
    assert (again.status, again.changed) == ("review", False)
    assert _refund_actions(order_id) == ["refund.requested", "refund.review"]
    assert _stripe_refunds(stripe_sandbox, order_id) == []
    assert order_row(order_id).status == OrderStatus.COMPLETED and _esim_statuses(order_id) == ["not_installed"]
    found = refunds.refund_eligibility(customer, order_ref=_ref(order_id))
    assert (found.eligible, found.refunded, found.request_status) == (False, False, "review")


@pytest.mark.parametrize(("column", "value"), [("status", "'active'"), ("used_mb", "12")])
async def test_installed_or_used_esim_is_refused(registry: ProviderRegistry, stripe_sandbox: str, completed_order,
                                                 customer: int, column: str, value: str) -> None:
    order_id = await completed_order("esim_access")
    with db.get_engine().begin() as conn:
        conn.execute(sa.text(f"UPDATE esims SET {column} = {value} WHERE order_id = :id"), {"id": order_id})
    with pytest.raises(EsimAlreadyUsed):
        await refunds.request_refund(customer, order_ref=_ref(order_id), reason="Changed my mind", registry=registry)
    assert _stripe_refunds(stripe_sandbox, order_id) == [] and _refund_actions(order_id) == []
    assert order_row(order_id).status == OrderStatus.COMPLETED


async def test_outside_the_window_is_refused_until_the_window_grows(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    order_id = await completed_order("esim_access")
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE orders SET created_at = now() - interval '31 days' WHERE id = :id"),
                     {"id": order_id})
    with pytest.raises(RefundWindowPassed):
        await refunds.request_refund(customer, order_ref=_ref(order_id), reason="Too late", registry=registry)
    assert not refunds.refund_eligibility(customer, order_ref=_ref(order_id)).eligible
    store_settings.set_refund_window_days(45)
    assert refunds.refund_eligibility(customer, order_ref=_ref(order_id)).eligible
    view = await refunds.request_refund(customer, order_ref=_ref(order_id), reason="Now allowed", registry=registry)
    assert view.status == "completed"


async def test_another_customers_order_is_not_found(registry: ProviderRegistry, stripe_sandbox: str,
                                                    completed_order, customer: int) -> None:
    order_id = await completed_order("esim_access")
    with pytest.raises(OrderNotFound):
        await refunds.request_refund(new_customer(), order_ref=_ref(order_id), reason="Not mine", registry=registry)
    with pytest.raises(OrderNotFound):
        refunds.refund_eligibility(new_customer(), order_ref=_ref(order_id))
    assert _stripe_refunds(stripe_sandbox, order_id) == [] and order_row(order_id).status == OrderStatus.COMPLETED


async def test_an_order_not_yet_completed_is_refused(registry: ProviderRegistry, stripe_sandbox: str, webhooks,
                                                     customer: int) -> None:
    order_id = paid_by_card(customer, "esim_access", stripe_sandbox)  # paid, not fulfilled
    with pytest.raises(OrderNotCompleted):
        await refunds.request_refund(customer, order_ref=_ref(order_id), reason="Waiting", registry=registry)
    assert _stripe_refunds(stripe_sandbox, order_id) == []


async def test_a_reason_is_required(registry: ProviderRegistry, completed_order, customer: int) -> None:
    order_id = await completed_order("esim_access")
    with pytest.raises(RefundReasonMissing):
        await refunds.request_refund(customer, order_ref=_ref(order_id), reason="  ", registry=registry)


async def test_admin_refunds_an_installed_esim_without_asking_the_provider(
        registry: ProviderRegistry, stripe_sandbox: str, completed_order, customer: int) -> None:
    order_id = await completed_order("esim_access")
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE esims SET status = 'active', used_mb = 300 WHERE order_id = :id"), {"id": order_id})
    admin_id = passwords.create_admin(f"refunds-{order_id}@example.com", "a long admin passphrase", name="Ops")
    view = await refunds.refund_order_as_admin(admin_id, order_ref=_ref(order_id), reason="Goodwill",
                                               skip_provider_cancel=True, registry=registry)
    assert (view.status, view.provider_outcome) == ("completed", "skipped")
    assert len(_stripe_refunds(stripe_sandbox, order_id)) == 1
    with pytest.raises(NotAnAdministrator):
        await refunds.refund_order_as_admin(987654321, order_ref=_ref(order_id), reason="x", registry=registry)


def test_refund_window_setting_is_validated(orders_db: str) -> None:
    assert store_settings.get_store_settings().refund_window_days == 30
    assert store_settings.set_refund_window_days("14") == 14
    assert store_settings.get_store_settings().refund_window_days == 14
    for bad in (-1, 400, "soon", True):
        with pytest.raises(InvalidSetting, match="Refund window"):
            store_settings.set_refund_window_days(bad)  # type: ignore[arg-type]
