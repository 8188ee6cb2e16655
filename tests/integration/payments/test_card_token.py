"""Paying with a card tokenised in the browser: the path the checkout page takes."""

import pytest

from services.core.models import OrderStatus
from services.payments import stripe_payments as payments
from services.payments.errors import PaymentDeclined
from tests.support.payments import CARD_DECLINED, CARD_OK, card_token, order_row


def test_a_good_card_pays_the_order(stripe_sandbox: str, order_id: int) -> None:
    attempt = payments.pay_with_card_token(order_id, token_id=card_token(stripe_sandbox, CARD_OK))
    assert attempt.status == "succeeded"
    assert order_row(order_id).status == OrderStatus.PAID


def test_a_declined_card_keeps_the_order_pending_then_another_card_pays(stripe_sandbox: str, order_id: int) -> None:
    with pytest.raises(PaymentDeclined) as declined:
        payments.pay_with_card_token(order_id, token_id=card_token(stripe_sandbox, CARD_DECLINED))
    row = order_row(order_id)
    assert (row.status, row.payment_status, row.failure_reason) == (OrderStatus.PENDING, "failed", declined.value.code)
    retried = payments.pay_with_card_token(order_id, token_id=card_token(stripe_sandbox, CARD_OK))
    assert retried.status == "succeeded"
    assert order_row(order_id).status == OrderStatus.PAID
