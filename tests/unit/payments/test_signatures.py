"""Webhook signatures: our test signer matches Stripe's verifier, and bad ones never pass."""

import json
import time

import pytest
import stripe

from services.core.settings import get_settings
from services.payments import webhooks as payments
from services.sandbox.localstripe import signature_header

SECRET = "whsec_unit_test"
PAYLOAD = json.dumps({"id": "evt_1", "type": "customer.created", "data": {"object": {}}}).encode()


@pytest.fixture
def webhook_secret(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    yield SECRET
    get_settings.cache_clear()


def test_signature_header_is_accepted_by_stripe() -> None:
    assert stripe.WebhookSignature.verify_header(PAYLOAD, signature_header(PAYLOAD, SECRET), SECRET, 300)


def test_signature_header_has_stripes_shape() -> None:
    header = signature_header(PAYLOAD, SECRET, timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "garbage",
        signature_header(PAYLOAD, "whsec_other"),
        signature_header(PAYLOAD + b" ", SECRET),
        signature_header(PAYLOAD, SECRET, timestamp=int(time.time()) - 3600),  # replayed an hour later
    ],
    ids=["missing", "empty", "garbage", "other-secret", "other-body", "too-old"],
)
def test_bad_signature_is_refused_before_any_database_work(webhook_secret: str, header: str | None) -> None:
    with pytest.raises(payments.InvalidSignature):
        payments.handle_webhook(PAYLOAD, header)


def test_signed_non_json_is_refused(webhook_secret: str) -> None:
    body = b"not json"
    with pytest.raises(payments.InvalidSignature):
        payments.handle_webhook(body, signature_header(body, webhook_secret))


def test_without_a_configured_secret_nothing_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "")
    get_settings.cache_clear()
    try:
        with pytest.raises(payments.InvalidSignature):
            payments.handle_webhook(PAYLOAD, signature_header(PAYLOAD, ""))
    finally:
        get_settings.cache_clear()
