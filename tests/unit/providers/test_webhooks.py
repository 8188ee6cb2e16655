"""Each provider's own webhook verification and parsing (declared in its spec)."""

from __future__ import annotations

import hashlib
import hmac
import json

from providers import airalo, esim_access, esim_go
from providers.esim_access import rt_signature
from providers.spec import WebhookEvent
from providers.specs import PROVIDER_IDS, SPECS

GO_KEY = "demo-api-key"
GO_BODY = b'{"iccid":"8944000000000000001","alertType":"Utilisation"}'


def verify_esim_go(body: bytes, signature: str | None, api_key: str) -> bool:
    headers = {} if signature is None else {"x-signature-sha256": signature}
    return esim_go.verify_webhook(body, headers, {"api_key": api_key})


def verify_airalo(body: bytes, signature: str | None, secret: str) -> bool:
    headers = {} if signature is None else {"airalo-signature": signature}
    return airalo.verify_webhook(body, headers, {"client_id": "id", "client_secret": secret})


def verify_esim_access(body: bytes, headers: dict[str, str], *, access_code: str, secret: str) -> bool:
    return esim_access.verify_webhook(body, headers, {"access_code": access_code, "secret_key": secret})


def test_esim_go_signature_accepts_the_spec_vector_in_hex_and_base64():
    assert verify_esim_go(GO_BODY, "e4e1d734b1a01d3853b5bce96a21d739dd4e0fc5d2f2e2744e820302924bd18d", GO_KEY)
    assert verify_esim_go(GO_BODY, "5OHXNLGgHThTtbzpaiHXOd1OD8XS8uJ0ToIDApJL0Y0=", GO_KEY)


def test_esim_go_signature_refuses_a_changed_body_a_wrong_key_or_none():
    good = "e4e1d734b1a01d3853b5bce96a21d739dd4e0fc5d2f2e2744e820302924bd18d"
    assert not verify_esim_go(GO_BODY + b" ", good, GO_KEY)
    assert not verify_esim_go(GO_BODY, good, "other-key")
    assert not verify_esim_go(GO_BODY, None, GO_KEY)


def test_airalo_signature_over_raw_compact_or_escaped_json():
    payload = {"level": "75%", "package_name": "a/b", "remaining_percentage": 25, "iccid": "8944"}
    raw = json.dumps(payload, indent=2).encode()
    for signed in (raw, json.dumps(payload, separators=(",", ":")).encode(),
                   json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()):
        signature = hmac.new(b"secret", signed, hashlib.sha512).hexdigest()
        assert verify_airalo(raw, signature, "secret")
        assert verify_airalo(raw, signature.upper(), "secret")
    assert not verify_airalo(raw, hmac.new(b"other", raw, hashlib.sha512).hexdigest(), "secret")
    assert not verify_airalo(raw, None, "secret")


def test_esim_access_signature_is_optional_but_checked_when_present():
    # eSIM Access may not sign, so its spec asks for a secret path token instead; the others always sign
    assert [spec.id for spec in SPECS if spec.webhook_token] == ["esim_access"]
    body = b'{"notifyType":"CHECK_HEALTH"}'
    assert verify_esim_access(body, {}, access_code="code", secret="s")
    signature = rt_signature("s", "1700000000000", "req-1", "code", body)
    headers = {"rt-signature": signature, "rt-timestamp": "1700000000000", "rt-requestid": "req-1"}
    assert verify_esim_access(body, headers, access_code="code", secret="s")
    assert not verify_esim_access(body, {**headers, "rt-requestid": "req-2"}, access_code="code", secret="s")


def test_every_provider_declares_its_identity_credentials_and_webhooks():
    assert PROVIDER_IDS == ("airalo", "esim_access", "esim_go")
    for spec in SPECS:
        assert spec.client.id == spec.id and spec.display_name and spec.base_url.startswith("https://")
        assert spec.credentials and all(c.setting.startswith(spec.id) for c in spec.credentials)
        assert set(spec.sandbox_credentials()) == {c.param for c in spec.credentials}


def test_parsing_names_the_esim_or_order_and_carries_none_of_the_callbacks_figures():
    low = airalo.parse_webhook({"level": "90%", "remaining_percentage": 10, "iccid": "894"}, b"x")
    assert (low.kind, low.iccid, low.key) == ("low_data", "894", "low_data:894:90%")
    days = airalo.parse_webhook({"level": "3days", "iccid": "894"}, b"x")
    assert (days.kind, days.iccid) == ("low_validity", "894")
    got = esim_access.parse_webhook({"notifyType": "ORDER_STATUS", "notifyId": "n1", "content": {
        "orderStatus": "GOT_RESOURCE", "transactionId": "ref-esim_access", "orderNo": "B1"}}, b"x")
    assert (got.key, got.order_ref, got.provider_order_id) == ("n1", "ref-esim_access", "B1")
    cancelled = esim_access.parse_webhook({"notifyType": "ESIM_STATUS", "notifyId": "n2", "content": {
        "iccid": "8985", "esimStatus": "CANCEL", "orderUsage": 0}}, b"x")
    assert (cancelled.kind, cancelled.iccid) == ("ESIM_STATUS", "8985")
    body = json.dumps({"iccid": "89", "alertType": "Utilisation", "bundle": {
        "initialQuantity": 1_000_000_000, "remainingQuantity": 500_000_000, "unlimited": False}}).encode()
    assert esim_go.parse_webhook(json.loads(body), body).iccid == "89"
    assert esim_go.parse_webhook({"event": "other"}, b"{}").kind == "other"
    assert set(WebhookEvent.__dataclass_fields__) == {"key", "kind", "order_ref", "provider_order_id", "iccid"}


def test_airalo_verification_survives_a_body_nested_too_deep_for_json():
    deep = b"[" * 100_000
    assert not verify_airalo(deep, hmac.new(b"secret", b"x", hashlib.sha512).hexdigest(), "secret")
