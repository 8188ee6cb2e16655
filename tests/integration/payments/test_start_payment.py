"""Starting a payment: one PaymentIntent per order, at the order's price, however often it is asked."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from services.core.models import OrderStatus
from services.payments import stripe_payments as payments
from tests.support.payments import PRICE_CENTS, PUBLISHABLE_KEY, SECRET_KEY, order_row


def _intents_for(base_url: str, order_id: int) -> list[dict]:
    listed = httpx.get(f"{base_url}/v1/payment_intents", params={"limit": 100}, auth=(SECRET_KEY, "")).json()
    return [pi for pi in listed["data"] if pi["metadata"].get("order_id") == str(order_id)]


def test_two_calls_give_one_intent_at_the_order_price(stripe_sandbox: str, order_id: int) -> None:
    # when the customer opens the payment form twice
    first = payments.start_payment(order_id)
    second = payments.start_payment(order_id)
    # then both see the same intent, for the server's price, and the order holds it
    assert first == second
    assert (first.amount_cents, first.currency, first.publishable_key) == (PRICE_CENTS, "USD", PUBLISHABLE_KEY)
    assert first.client_secret.startswith(first.payment_intent_id)
    assert order_row(order_id).stripe_payment_intent_id == first.payment_intent_id
    [intent] = _intents_for(stripe_sandbox, order_id)
    assert intent["amount"] == PRICE_CENTS and intent["metadata"]["order_ref"] == order_row(order_id).display_id


def test_concurrent_calls_give_one_intent(stripe_sandbox: str, order_id: int) -> None:
    with ThreadPoolExecutor(6) as pool:
        starts = list(pool.map(lambda _: payments.start_payment(order_id), range(6)))
    assert len({s.payment_intent_id for s in starts}) == 1
    live = [pi for pi in _intents_for(stripe_sandbox, order_id) if pi["status"] != "canceled"]
    assert [pi["id"] for pi in live] == [starts[0].payment_intent_id]


def test_a_canceled_intent_is_replaced(stripe_sandbox: str, order_id: int) -> None:
    first = payments.start_payment(order_id)
    payments.stripe_client().v1.payment_intents.cancel(first.payment_intent_id)
    second = payments.start_payment(order_id)
    assert second.payment_intent_id != first.payment_intent_id
    assert payments.start_payment(order_id) == second
    assert order_row(order_id).stripe_payment_intent_id == second.payment_intent_id


def test_an_order_that_is_not_pending_cannot_be_paid(stripe_sandbox: str, order_id: int) -> None:
    from services.core import db
    from services.core.models import Order

    with db.session() as s:
        s.get(Order, order_id).status = OrderStatus.CANCELLED
        s.commit()
    with pytest.raises(payments.OrderNotPayable):
        payments.start_payment(order_id)
    assert order_row(order_id).stripe_payment_intent_id is None


def test_unknown_order_is_reported(stripe_sandbox: str) -> None:
    from services.orders import ordering as orders
    with pytest.raises(orders.OrderNotFound):
        payments.start_payment(10**12)
