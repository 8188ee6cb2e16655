"""Request signatures against the spec's test vectors (PROVIDER_APIS.md §1.2, §2.2)."""

from providers.airalo import airalo_signature, signed_payload
from providers.esim_access import rt_signature


def test_airalo_signature_vector():
    body = signed_payload(
        {"package_id": "demo-7days-1gb", "quantity": 1, "type": "sim", "description": "test/order"}
    )
    assert body == b'{"package_id":"demo-7days-1gb","quantity":1,"type":"sim","description":"test\\/order"}'
    assert airalo_signature("demo_client_secret", body) == (
        "d3ad3c4074d83e0ef4a0388820223cde18c3810df83c7be03b41f0c9a40f78b5"
        "30a946072b42b914db9d211d9829f1489f234deec8f98c8e10e0dc3baafb657d"
    )


def test_airalo_payload_keeps_non_ascii():
    assert signed_payload({"description": "café"}) == '{"description":"café"}'.encode()


def test_esim_access_signature_vector():
    signature = rt_signature(
        "demoSecretKey",
        "1700000000000",
        "0b1c2d3e-4f50-4612-8a9b-0c1d2e3f4a5b",
        "demoAccessCode",
        b'{"locationCode":"JP","type":"BASE"}',
    )
    assert signature == "e11981b0ee60a42101738aeec4d6f123e46b76d6f37b39df156b604ce9a2ffab"
