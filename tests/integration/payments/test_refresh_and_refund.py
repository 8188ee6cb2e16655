"""The customer's return settles the order without a webhook; a refund happens once and is recorded."""

import httpx
import pytest

from services.core.models import OrderStatus
from services.payments import refunds as card_refunds
from services.payments import stripe_payments as payments
from services.payments import webhooks as stripe_webhooks
from services.payments.errors import NoPayment
from tests.support.payments import (
    CARD_OK,
    SECRET_KEY,
    audit_actions,
    order_row,
    pay,
    stripe_events,
)


@pytest.fixture
def paid_order(stripe_sandbox, webhooks, order_id) -> int:
    start = payments.start_payment(order_id)
    pay(stripe_sandbox, start.client_secret, CARD_OK)
    webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id)
    assert order_row(order_id).status == OrderStatus.PAID
    return order_id


def test_refresh_marks_paid_without_any_webhook(stripe_sandbox, webhooks, order_id) -> None:
    # given a payment whose webhook has not been processed
    webhooks.process = False
    start = payments.start_payment(order_id)
    pay(stripe_sandbox, start.client_secret, CARD_OK)
    # when the customer comes back from paying
    assert payments.refresh_payment(order_id) == "succeeded"
    # then the order is paid, and the late webhook changes nothing
    assert order_row(order_id).status == OrderStatus.PAID
    late = webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id)
    result = stripe_webhooks.handle_webhook(late.body, late.signature)
    assert (result.outcome, result.paid_order_ids) == ("unchanged", ())
    assert audit_actions(order_id).count("order.paid") == 1


def test_refresh_before_paying_reports_the_intent_status(stripe_sandbox, order_id) -> None:
    payments.start_payment(order_id)
    assert payments.refresh_payment(order_id) == "requires_payment_method"
    assert order_row(order_id).status == OrderStatus.PENDING


def test_refresh_without_payment_is_refused(stripe_sandbox, order_id) -> None:
    with pytest.raises(NoPayment):
        payments.refresh_payment(order_id)


def test_refund_twice_creates_one_refund(stripe_sandbox, webhooks, paid_order) -> None:
    intent_id = order_row(paid_order).stripe_payment_intent_id
    first = card_refunds.refund_payment(paid_order, reason="provider out of stock")
    second = card_refunds.refund_payment(paid_order, reason="provider out of stock")
    assert first == second
    refunds = httpx.get(f"{stripe_sandbox}/v1/refunds", params={"payment_intent": intent_id},
                        auth=(SECRET_KEY, "")).json()["data"]
    assert [r["id"] for r in refunds] == [first]
    assert refunds[0]["amount"] == order_row(paid_order).price_cents


def test_refund_webhook_marks_the_order_refunded(stripe_sandbox, webhooks, paid_order) -> None:
    refund_id = card_refunds.refund_payment(paid_order, reason="customer asked")
    charge_id = httpx.get(f"{stripe_sandbox}/v1/refunds/{refund_id}", auth=(SECRET_KEY, "")).json()["charge"]
    assert webhooks.wait_for("charge.refunded", charge_id).status == 200
    assert (order_row(paid_order).status, order_row(paid_order).payment_status) == (OrderStatus.REFUNDED, "refunded")
    assert sorted(e.outcome for e in stripe_events(paid_order)) == ["paid", "refunded"]


def test_refund_without_payment_is_refused(stripe_sandbox, order_id) -> None:
    with pytest.raises(NoPayment):
        card_refunds.refund_payment(order_id, reason="n/a")
