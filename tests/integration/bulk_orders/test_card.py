"""A bulk order paid by card: one PaymentIntent for the total; the webhook or the page marks it paid once."""

from __future__ import annotations

import uuid

import pytest

from services.core import db
from services.core.models import BulkOrder, Package
from services.enterprise import card, provisioning, purchasing
from services.enterprise.bulk import BulkLine
from services.enterprise.errors import BulkOrderNotFound, BulkOrderNotPayable, CreditLimitExceeded
from services.payments.errors import PaymentDeclined
from tests.integration.bulk_orders.conftest import count, new_company
from tests.support.payments import CARD_DECLINED, CARD_OK, card_token, pay



@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """What the webhook route handed to background provisioning (recorded, not run)."""
    calls: list[list[int]] = []
    monkeypatch.setattr(provisioning, "provision_in_background", calls.append)
    return calls


def test_declined_then_paid_card_charges_the_total_once(stripe_sandbox, webhooks, started, plan: Package) -> None:
    who = new_company()
    view = purchasing.place(who, [BulkLine(plan.id, 3)], payment="card", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    with pytest.raises(PaymentDeclined):
        card.pay(who, view.ref, card_token=card_token(stripe_sandbox, CARD_DECLINED))
    assert purchasing.get_order(who, view.ref).status == "pending"
    result = card.pay(who, view.ref, card_token=card_token(stripe_sandbox, CARD_OK))
    assert result.paid and result.newly_paid
    with db.session() as s:
        intent_id = s.get(BulkOrder, view.id).stripe_payment_intent_id  # type: ignore[union-attr]
    delivery = webhooks.wait_for("payment_intent.succeeded", intent_id)
    assert delivery.status == 200 and started == []  # the webhook came second: nothing started twice
    assert purchasing.get_order(who, view.ref).status == "provisioning"
    assert count("SELECT count(*) FROM orders WHERE bulk_order_id = :b AND status = 'paid'", b=view.id) == 3
    assert count("SELECT count(*) FROM ledger_entries WHERE bulk_order_id = :b", b=view.id) == 0
    with pytest.raises(BulkOrderNotPayable):
        card.pay(who, view.ref, card_token=card_token(stripe_sandbox, CARD_OK))


def test_the_webhook_marks_a_card_order_paid_and_starts_provisioning(stripe_sandbox, webhooks, started,
                                                                     plan: Package) -> None:
    who = new_company()
    view = purchasing.place(who, [BulkLine(plan.id, 2)], payment="card", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    intent = card._intent_for(card._payable(who, view.ref))  # the intent the card element confirms
    assert int(intent.amount) == view.total_cents
    pay(stripe_sandbox, intent.client_secret, CARD_OK)  # Stripe.js confirms; only the webhook tells us
    webhooks.wait_for("payment_intent.succeeded", intent.id)
    assert started == [[view.id]]
    assert purchasing.get_order(who, view.ref).status == "provisioning"
    assert card.confirm(who, view.ref).paid  # the page asking afterwards changes nothing
    assert count("SELECT count(*) FROM orders WHERE bulk_order_id = :b", b=view.id) == 2


def test_a_pending_order_can_be_paid_on_account_instead_within_the_credit(stripe_sandbox, webhooks, started,
                                                                          plan: Package) -> None:
    who = new_company(credit_limit_cents=plan.price_cents * 3)
    too_big = purchasing.place(who, [BulkLine(plan.id, 4)], payment="card", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    card._intent_for(card._payable(who, too_big.ref))  # a card payment was started, then abandoned
    with pytest.raises(CreditLimitExceeded):
        card.pay_on_account(who, too_big.ref)
    fits = purchasing.place(who, [BulkLine(plan.id, 3)], payment="card", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    result = card.pay_on_account(who, fits.ref)
    assert result.newly_paid and purchasing.get_order(who, fits.ref).status == "provisioning"
    assert count("SELECT count(*) FROM ledger_entries WHERE bulk_order_id = :b AND kind = 'charge'", b=fits.id) == 1
    with pytest.raises(BulkOrderNotPayable):
        card.pay_on_account(who, fits.ref)


def test_another_company_cannot_see_pay_or_retry_an_order(stripe_sandbox, webhooks, started, plan: Package) -> None:
    acme, globex = new_company(credit_limit_cents=plan.price_cents * 10), new_company(credit_limit_cents=10**6)
    view = purchasing.place(acme, [BulkLine(plan.id, 1)], payment="card", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    for attempt in (lambda: purchasing.get_order(globex, view.ref), lambda: purchasing.retry_failed(globex, view.ref),
                    lambda: card.pay_on_account(globex, view.ref), lambda: card.confirm(globex, view.ref)):
        with pytest.raises(BulkOrderNotFound):
            attempt()
    assert purchasing.get_order(acme, view.ref).status == "pending"
