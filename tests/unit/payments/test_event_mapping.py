"""Which order transition each Stripe event asks for, read from payloads shaped as Stripe sends them."""

from services.payments.webhooks import EventAction, event_action


def _event(kind: str, obj: dict) -> dict:
    return {"id": "evt_1", "type": kind, "data": {"object": obj}}


def test_succeeded_intent_is_a_payment_with_the_received_amount() -> None:
    intent = {"id": "pi_1", "amount": 1299, "amount_received": 1299, "currency": "usd",
              "metadata": {"order_id": "42", "order_ref": "OID042"}}
    assert event_action(_event("payment_intent.succeeded", intent)) == EventAction(
        "paid", payment_intent_id="pi_1", amount_cents=1299, currency="USD")  # metadata names no order


def test_succeeded_intent_without_amount_received_uses_amount() -> None:  # localstripe's shape
    action = event_action(_event("payment_intent.succeeded", {"id": "pi_1", "amount": 500, "currency": "eur"}))
    assert (action.amount_cents, action.currency) == (500, "EUR")


def test_failed_intent_carries_the_decline_code_not_stripes_words() -> None:
    intent = {"id": "pi_1", "metadata": {"order_id": "7"},
              "last_payment_error": {"code": "card_declined", "message": "Your card was declined."}}
    action = event_action(_event("payment_intent.payment_failed", intent))
    assert (action.kind, action.reason, action.payment_intent_id) == ("payment_failed", "payment_declined", "pi_1")


def test_failed_intent_names_the_banks_reason_when_it_is_one_we_know() -> None:
    intent = {"id": "pi_1", "last_payment_error": {"code": "card_declined", "decline_code": "insufficient_funds",
                                                   "message": "Your card has insufficient funds."}}
    assert event_action(_event("payment_intent.payment_failed", intent)).reason == "payment_insufficient_funds"


def test_failed_intent_without_error_gets_a_generic_reason() -> None:
    assert event_action(_event("payment_intent.payment_failed", {"id": "pi_1"})).reason == "payment_declined"


def test_refunded_charge_names_its_latest_refund() -> None:
    charge = {"id": "ch_1", "payment_intent": "pi_1", "amount_refunded": 1299,
              "refunds": {"data": [{"id": "re_old", "amount": 299, "created": 1},
                                   {"id": "re_new", "amount": 1000, "created": 2}]}}
    assert event_action(_event("charge.refunded", charge)) == EventAction(
        "refunded", payment_intent_id="pi_1", amount_cents=1000, refund_id="re_new", charge_id="ch_1")


def test_refunded_charge_without_refund_list_needs_a_lookup() -> None:  # API versions since 2022-11-15
    action = event_action(_event("charge.refunded", {"id": "ch_1", "payment_intent": {"id": "pi_1"},
                                                     "amount_refunded": 1299}))
    assert (action.refund_id, action.charge_id, action.payment_intent_id, action.amount_cents) == (
        None, "ch_1", "pi_1", 1299)


def test_other_events_are_ignored() -> None:
    assert event_action(_event("customer.created", {"id": "cus_1"})).kind == "ignored"
    assert event_action({"id": "evt_2", "type": "payment_intent.created"}).kind == "ignored"
