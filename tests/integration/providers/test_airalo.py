"""The Airalo client against its simulator over HTTP."""

from __future__ import annotations

import json

import httpx
import pytest

from providers import airalo as airalo_module
from providers.airalo import AiraloProvider
from providers.base import (
    AuthRejected,
    InsufficientBalance,
    OrderStatus,
    OutcomeUnknown,
    OutOfStock,
    RateLimited,
    TransientProviderError,
)
from providers.sandbox import airalo as airalo_sim

from .conftest import FAST_RETRY, TIMEOUT


async def _first_local(client: AiraloProvider) -> str:
    packages = await client.list_packages()
    return next(p.provider_package_id for p in packages if not p.is_topup and len(p.destinations) == 1)


async def test_catalogue_pages_are_all_fetched_in_either_data_shape(airalo, sandbox, monkeypatch):
    whole = await airalo.list_packages()
    monkeypatch.setattr(airalo_module, "PAGE_SIZE", 40)
    sandbox.sim("airalo").object_pages = True  # [!] pages >= 2 as objects keyed by position
    paged = await airalo.list_packages()
    assert len(whole) == len(paged) == len(sandbox.sim("airalo").catalogue)
    assert {p.provider_package_id for p in whole} == {p.provider_package_id for p in paged}
    assert any(p.is_topup for p in whole) and any(len(p.destinations) > 100 for p in whole)


async def test_token_is_cached_and_renewed_once_after_401(airalo, sandbox, ref):
    sim = sandbox.sim("airalo")
    issued = sim.tokens_issued
    package_id = await _first_local(airalo)
    await airalo.get_usage(
        [(await airalo.create_order(package_id, quantity=1, client_reference=ref)).esims[0].iccid]
    )
    assert sim.tokens_issued == issued + 1  # three calls, one token
    sim.expire_tokens()
    order = await airalo.find_order(ref)
    assert order is not None and order.client_reference == ref
    assert sim.tokens_issued == issued + 2  # renewed once


async def test_wrong_secret_is_auth_rejected(sandbox):
    client = AiraloProvider(
        client_id=airalo_sim.CLIENT_ID,
        client_secret="wrong",
        base_url=sandbox.urls["airalo"],
        timeout=TIMEOUT,
    )
    with pytest.raises(AuthRejected):
        await client.list_packages()
    await client.aclose()


async def test_order_is_signed_and_a_bad_signature_is_refused(airalo, sandbox, ref):
    sim = sandbox.sim("airalo")
    sim.require_signature = True
    package_id = await _first_local(airalo)
    order = await airalo.create_order(package_id, quantity=2, client_reference=ref)
    assert order.status == OrderStatus.COMPLETED and len(order.esims) == 2
    assert order.esims[0].lpa.startswith("LPA:1$smdp.sandbox-airalo.test$")
    token = next(iter(sim.tokens))
    body = json.dumps({"package_id": package_id, "quantity": 1, "description": "forged"})
    response = httpx.post(
        f"{sandbox.urls['airalo']}/v2/orders",
        content=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "airalo-signature": "00",
        },
    )
    assert response.status_code == 422 and response.json()["code"] == 14
    assert sandbox.orders_received("airalo", "forged") == 0


@pytest.mark.parametrize(
    ("package_id", "error"),
    [
        ("test-insufficient-balance-7days-1gb", InsufficientBalance),
        ("test-out-of-stock-7days-1gb", OutOfStock),
    ],
)
async def test_sandbox_trigger_packages_map_to_errors(airalo, sandbox, ref, package_id, error):
    with pytest.raises(error) as caught:
        await airalo.create_order(package_id, quantity=1, client_reference=ref)
    assert caught.value.http_status == 422
    assert sandbox.orders_received("airalo", ref) == 0


async def test_failing_package_knob_reports_out_of_stock(airalo, sandbox, ref):
    package_id = await _first_local(airalo)
    sandbox.sim("airalo").faults.failing_package_ids = {package_id}
    with pytest.raises(OutOfStock):
        await airalo.create_order(package_id, quantity=1, client_reference=ref)


async def test_429_becomes_rate_limited_with_retry_after(airalo, sandbox):
    sandbox.sim("airalo").faults.update({"rate_limit_next": -1, "retry_after": 30, "paths": ["/v2/packages"]})
    with pytest.raises(RateLimited) as caught:
        await airalo.list_packages()
    assert caught.value.retry_after == 30


async def test_5xx_on_get_is_retried(airalo, sandbox):
    sandbox.sim("airalo").faults.update({"fail_next": 2, "paths": ["GET /v2/packages"]})
    assert len(await airalo.list_packages()) > 1000


async def test_timeout_after_order_post_is_unknown_then_found_without_reordering(airalo, sandbox, ref):
    package_id = await _first_local(airalo)
    sandbox.sim("airalo").faults.update({"hang_next": 1, "hang_seconds": 2, "paths": ["POST /v2/orders"]})
    with pytest.raises(OutcomeUnknown):
        await airalo.create_order(package_id, quantity=1, client_reference=ref)
    found = await airalo.find_order(ref)
    assert found is not None and found.status == OrderStatus.COMPLETED and len(found.esims) == 1
    assert sandbox.orders_received("airalo", ref) == 1


async def test_timeout_before_processing_finds_nothing(airalo, sandbox, ref):
    package_id = await _first_local(airalo)
    sandbox.sim("airalo").faults.update(
        {"hang_next": 1, "hang_seconds": 2, "hang_phase": "before", "paths": ["POST /v2/orders"]}
    )
    with pytest.raises(OutcomeUnknown):
        await airalo.create_order(package_id, quantity=1, client_reference=ref)
    assert await airalo.find_order(ref) is None
    assert sandbox.orders_received("airalo", ref) == 0


async def test_usage_advances_and_top_up_adds_data(airalo, sandbox, ref):
    package_id = await _first_local(airalo)
    iccid = (await airalo.create_order(package_id, quantity=1, client_reference=ref)).esims[0].iccid
    (before,) = await airalo.get_usage([iccid])
    sandbox.sim("airalo").clock.advance(hours=30)
    (after,) = await airalo.get_usage([iccid])
    assert before.used_mb == 0 and before.provider_status == "NOT_ACTIVE"
    assert after.used_mb > 0 and after.provider_status == "ACTIVE"
    topups = await airalo.list_topups(iccid)
    if not topups:
        pytest.skip("this plan has no top-up in the seeded catalogue")
    assert all(t.is_topup and t.cost_price < t.retail_price for t in topups)
    order = await airalo.create_topup(iccid, topups[0].provider_package_id, client_reference=f"{ref}-top")
    assert order.status == OrderStatus.COMPLETED
    (topped,) = await airalo.get_usage([iccid])
    assert topped.total_mb == after.total_mb + topups[0].data_mb


async def test_persistent_5xx_surfaces_as_transient_after_retries(airalo, sandbox):
    sandbox.sim("airalo").faults.update({"fail_next": 5, "paths": ["GET /v2/packages"]})
    with pytest.raises(TransientProviderError) as caught:
        await airalo.list_packages()
    assert caught.value.http_status == 500
    assert sandbox.sim("airalo").faults.fail_next == 5 - FAST_RETRY.attempts  # tried exactly `attempts` times
