"""Card payments end to end: localstripe posts signed webhooks to our route, which moves the order once."""

import json
import threading
import time

import httpx
import pytest

from services.core.models import OrderStatus
from services.payments import refunds as card_refunds
from services.payments import stripe_payments as payments
from services.payments import webhooks as stripe_webhooks
from services.sandbox.localstripe import signature_header
from tests.support.payments import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    audit_actions,
    order_row,
    pay,
    stripe_events,
)


def test_card_payment_webhook_marks_the_order_paid(stripe_sandbox, webhooks, order_id) -> None:
    start = payments.start_payment(order_id)
    intent = pay(stripe_sandbox, start.client_secret, CARD_OK)
    assert intent["status"] == "succeeded"
    delivery = webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id)
    assert delivery.status == 200
    order = order_row(order_id)
    assert (order.status, order.payment_status) == (OrderStatus.PAID, "succeeded")
    [event] = stripe_events(order_id)
    assert (event.type, event.outcome) == ("payment_intent.succeeded", "paid") and event.processed_at


def test_three_d_secure_card_is_paid_after_authentication(stripe_sandbox, webhooks, order_id) -> None:
    start = payments.start_payment(order_id)
    assert pay(stripe_sandbox, start.client_secret, CARD_3DS)["status"] == "succeeded"
    assert webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id).status == 200
    assert order_row(order_id).status == OrderStatus.PAID


def test_same_webhook_five_times_moves_the_order_once(stripe_sandbox, webhooks, receiver, order_id) -> None:
    # given a payment whose webhook was delivered and processed
    start = payments.start_payment(order_id)
    pay(stripe_sandbox, start.client_secret, CARD_OK)
    delivery = webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id)
    # when Stripe delivers it five more times
    _, url = receiver
    statuses = [httpx.post(url, content=delivery.body, headers={"Stripe-Signature": delivery.signature}).status_code
                for _ in range(5)]
    # then every delivery is acknowledged, the order moved once and went to fulfilment once
    assert statuses == [200] * 5
    assert webhooks.fulfilled == [[order_id]]
    assert audit_actions(order_id).count("order.paid") == 1
    assert len(stripe_events(order_id)) == 1


def test_concurrent_deliveries_move_the_order_once(stripe_sandbox, webhooks, order_id) -> None:
    # given a payment whose webhook was held back
    webhooks.process = False
    start = payments.start_payment(order_id)
    pay(stripe_sandbox, start.client_secret, CARD_OK)
    delivery = webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id)
    assert order_row(order_id).status == OrderStatus.PENDING
    # when it arrives at eight workers at once
    barrier, results = threading.Barrier(8), []

    def deliver() -> None:
        barrier.wait()
        results.append(stripe_webhooks.handle_webhook(delivery.body, delivery.signature))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one of them paid the order and asks for fulfilment
    assert sorted(r.paid_order_ids for r in results) == [()] * 7 + [(order_id,)]
    assert sum(r.duplicate for r in results) == 7
    assert order_row(order_id).status == OrderStatus.PAID
    assert audit_actions(order_id).count("order.paid") == 1


@pytest.mark.parametrize("tamper", ["missing", "other-secret", "other-body", "garbage"])
def test_bad_signature_is_refused_and_changes_nothing(stripe_sandbox, webhooks, receiver, order_id, tamper) -> None:
    webhooks.process = False
    start = payments.start_payment(order_id)
    pay(stripe_sandbox, start.client_secret, CARD_OK)
    delivery = webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id)
    webhooks.process = True
    body, headers = delivery.body, {"Stripe-Signature": delivery.signature}
    if tamper == "missing":
        headers = {}
    elif tamper == "other-secret":
        headers = {"Stripe-Signature": signature_header(body, "whsec_attacker")}
    elif tamper == "other-body":
        body = body.replace(b'"amount": 1299', b'"amount": 1')
    else:
        headers = {"Stripe-Signature": "t=1,v1=00"}
    _, url = receiver
    assert httpx.post(url, content=body, headers=headers).status_code == 400
    assert order_row(order_id).status == OrderStatus.PENDING
    assert stripe_events(order_id) == []


def test_declined_card_records_the_reason_and_the_order_stays_payable(stripe_sandbox, webhooks, order_id) -> None:
    # when the customer's card is declined
    start = payments.start_payment(order_id)
    intent = pay(stripe_sandbox, start.client_secret, CARD_DECLINED)
    assert intent["status"] == "requires_payment_method"
    assert webhooks.wait_for("payment_intent.payment_failed", start.payment_intent_id).status == 200
    # then the reason is recorded and the order waits for another card
    order = order_row(order_id)
    assert (order.status, order.payment_status, order.failure_reason) == (
        OrderStatus.PENDING, "failed", "payment_declined")
    assert [e.outcome for e in stripe_events(order_id)] == ["payment_failed"]
    # and a second card on the same intent pays it
    retry = payments.start_payment(order_id)
    assert retry.payment_intent_id == start.payment_intent_id
    pay(stripe_sandbox, retry.client_secret, CARD_OK)
    webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id)
    assert order_row(order_id).status == OrderStatus.PAID


def test_unknown_event_types_are_recorded_and_ignored(stripe_sandbox, webhooks) -> None:
    customer = payments.stripe_client().v1.customers.create({"email": "someone@example.com"})
    assert webhooks.wait_for("customer.created", customer.id).status == 200
    delivery = webhooks.wait_for("customer.created", customer.id)
    again = stripe_webhooks.handle_webhook(delivery.body, delivery.signature)
    assert again.duplicate and again.outcome == "ignored" and again.order_id is None


def _signed(event_type: str, obj: dict) -> tuple[bytes, str]:
    """An event shaped as Stripe sends it, signed with our secret (for shapes localstripe never sends)."""
    from tests.support.payments import WEBHOOK_SECRET

    body = json.dumps({"id": f"evt_{time.time_ns()}", "object": "event", "type": event_type,
                       "created": int(time.time()), "data": {"object": obj}}).encode()
    return body, signature_header(body, WEBHOOK_SECRET)


def test_payment_of_another_amount_does_not_pay_the_order(stripe_sandbox, webhooks, order_id) -> None:
    start = payments.start_payment(order_id)
    body, header = _signed("payment_intent.succeeded", {
        "id": start.payment_intent_id, "object": "payment_intent", "amount": 1, "amount_received": 1,
        "currency": "usd", "status": "succeeded", "metadata": {"order_id": str(order_id)}})
    result = stripe_webhooks.handle_webhook(body, header)
    assert (result.outcome, result.paid_order_ids) == ("amount_mismatch", ())
    assert order_row(order_id).status == OrderStatus.PENDING


def test_event_for_an_unknown_intent_is_recorded_without_an_order(stripe_sandbox, webhooks) -> None:
    body, header = _signed("payment_intent.succeeded", {
        "id": "pi_not_ours", "object": "payment_intent", "amount": 1299, "currency": "usd", "metadata": {}})
    result = stripe_webhooks.handle_webhook(body, header)
    assert (result.outcome, result.order_id, result.paid_order_ids) == ("unknown_order", None, ())


def test_refund_event_without_refund_list_looks_the_refund_up(stripe_sandbox, webhooks, order_id) -> None:
    # given a paid and refunded order, refund webhook held back
    start = payments.start_payment(order_id)
    pay(stripe_sandbox, start.client_secret, CARD_OK)
    webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id)
    webhooks.process = False
    refund_id = card_refunds.refund_payment(order_id, reason="test")
    charge_id = payments.stripe_client().v1.refunds.retrieve(refund_id).charge
    # when Stripe sends charge.refunded as API versions since 2022-11-15 do (no `refunds` list)
    body, header = _signed("charge.refunded", {"id": charge_id, "object": "charge", "amount_refunded": 1299,
                                               "payment_intent": start.payment_intent_id, "refunded": True})
    result = stripe_webhooks.handle_webhook(body, header)
    # then the refund is found at Stripe and recorded on the order
    assert result.outcome == "refunded"
    assert order_row(order_id).status == OrderStatus.REFUNDED
    assert "order.refunded" in audit_actions(order_id)


def test_metadata_naming_an_order_does_not_link_another_intent_to_it(stripe_sandbox, webhooks, order_id) -> None:
    # given a pending order with its own intent
    start = payments.start_payment(order_id)
    # when a signed event for some other intent names this order in its metadata
    body, header = _signed("payment_intent.succeeded", {
        "id": "pi_someone_elses", "object": "payment_intent", "amount": 1299, "amount_received": 1299,
        "currency": "usd", "status": "succeeded", "metadata": {"order_id": str(order_id)}})
    result = stripe_webhooks.handle_webhook(body, header)
    # then no order is touched: only the intent id links an event to an order
    assert (result.outcome, result.order_id, result.paid_order_ids) == ("unknown_order", None, ())
    row = order_row(order_id)
    assert (row.status, row.stripe_payment_intent_id) == (OrderStatus.PENDING, start.payment_intent_id)


def test_a_partial_refund_records_the_amount_and_leaves_the_order_as_it_was(stripe_sandbox, webhooks,
                                                                           order_id) -> None:
    # given a paid order
    start = payments.start_payment(order_id)
    pay(stripe_sandbox, start.client_secret, CARD_OK)
    webhooks.wait_for("payment_intent.succeeded", start.payment_intent_id)
    client = payments.stripe_client()
    # when part of the payment is refunded at Stripe (and the event arrives twice)
    part = client.v1.refunds.create({"payment_intent": start.payment_intent_id, "amount": 500})
    charge_id = client.v1.refunds.retrieve(part.id).charge
    for _ in range(2):
        body, header = _signed("charge.refunded", {
            "id": charge_id, "object": "charge", "amount_refunded": 500, "payment_intent": start.payment_intent_id,
            "refunds": {"data": [{"id": part.id, "amount": 500, "created": 1}]}})
        stripe_webhooks.handle_webhook(body, header)
    # then the order keeps its status, with 500 recorded once as refunded
    row = order_row(order_id)
    assert (row.status, row.refunded_cents, row.payment_status) == (OrderStatus.PAID, 500, "partially_refunded")
    # and when the rest is refunded, the order is refunded
    rest = client.v1.refunds.create({"payment_intent": start.payment_intent_id, "amount": 799})
    body, header = _signed("charge.refunded", {
        "id": charge_id, "object": "charge", "amount_refunded": 1299, "payment_intent": start.payment_intent_id,
        "refunds": {"data": [{"id": part.id, "amount": 500, "created": 1}, {"id": rest.id, "amount": 799, "created": 2}]}})
    stripe_webhooks.handle_webhook(body, header)
    row = order_row(order_id)
    assert (row.status, row.refunded_cents, row.payment_status) == (OrderStatus.REFUNDED, 1299, "refunded")
