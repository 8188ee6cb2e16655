"""The eSIM Access client against its simulator over HTTP."""

from __future__ import annotations

import pytest

from providers.base import (
    AuthRejected,
    InsufficientBalance,
    NotFound,
    OrderStatus,
    OutOfStock,
    PermanentProviderError,
    RateLimited,
)
from providers.esim_access import EsimAccessProvider
from providers.polling import wait_for_order
from providers.sandbox import esim_access as esim_access_sim

from .conftest import TIMEOUT


async def _package(client: EsimAccessProvider) -> str:
    packages = await client.list_packages()
    return next(p.provider_package_id for p in packages if not p.is_topup and len(p.destinations) == 1)


async def _completed(client: EsimAccessProvider, order_id: str):
    order = await wait_for_order(client, order_id, timeout=5, interval=0.05)
    assert order.status == OrderStatus.COMPLETED
    return order


async def test_catalogue_in_usd_and_nominal_mb(esim_access):
    packages = await esim_access.list_packages()
    assert len(packages) > 1500
    one_gb = next(p for p in packages if p.data_mb == 1024)
    assert one_gb.raw["volume"] == 1073741824 and one_gb.cost_price * 10000 == one_gb.raw["price"]
    assert any(p.is_topup and p.provider_package_id.startswith("TOPUP_") for p in packages)


async def test_allocation_is_asynchronous(esim_access, sandbox, ref):
    order = await esim_access.create_order(await _package(esim_access), quantity=2, client_reference=ref)
    assert order.status == OrderStatus.PENDING and not order.esims
    assert (await esim_access.get_order(order.provider_order_id)).status == OrderStatus.PROCESSING
    done = await _completed(esim_access, order.provider_order_id)
    assert len(done.esims) == 2 and done.client_reference == ref
    assert all(
        e.provider_esim_ref and e.lpa.startswith("LPA:1$rsp.sandbox-esimaccess.test$") for e in done.esims
    )


async def test_lost_answer_is_resent_with_the_same_transaction_id(esim_access, sandbox, ref):
    sandbox.sim("esim_access").faults.update(
        {"hang_next": 1, "hang_seconds": 2, "paths": ["/api/v1/open/esim/order"]}
    )
    package_id = await _package(esim_access)
    order = await esim_access.create_order(
        package_id, quantity=1, client_reference=ref
    )  # retried after the timeout
    assert sandbox.orders_received("esim_access", ref) == 1
    again = await esim_access.create_order(package_id, quantity=1, client_reference=ref)
    assert again.provider_order_id == order.provider_order_id
    assert sandbox.orders_received("esim_access", ref) == 1


async def test_find_order_by_transaction_id(esim_access, ref):
    order = await esim_access.create_order(await _package(esim_access), quantity=1, client_reference=ref)
    assert await esim_access.find_order(ref) is None  # still allocating: resending is safe
    await _completed(esim_access, order.provider_order_id)
    found = await esim_access.find_order(ref)
    assert found is not None and found.provider_order_id == order.provider_order_id
    assert await esim_access.find_order("never-sent") is None


async def test_wrong_secret_fails_the_signature(sandbox):
    client = EsimAccessProvider(
        access_code=esim_access_sim.ACCESS_CODE,
        secret_key="wrong",
        base_url=sandbox.urls["esim_access"],
        timeout=TIMEOUT,
    )
    with pytest.raises(AuthRejected) as caught:
        await client.list_packages()
    assert caught.value.code == "101003"
    await client.aclose()


async def test_business_errors(esim_access, sandbox, ref):
    package_id = await _package(esim_access)
    sim = sandbox.sim("esim_access")
    sim.faults.failing_package_ids = {package_id}
    with pytest.raises(OutOfStock):
        await esim_access.create_order(package_id, quantity=1, client_reference=ref)
    sim.faults.failing_package_ids = set()
    sim.balance = 0
    with pytest.raises(InsufficientBalance):
        await esim_access.create_order(package_id, quantity=1, client_reference=ref)
    with pytest.raises(NotFound):
        await esim_access.get_order("B-unknown")
    assert sandbox.orders_received("esim_access", ref) == 0


async def test_429_is_rate_limited(esim_access, sandbox):
    sandbox.sim("esim_access").faults.update({"rate_limit_next": -1, "retry_after": 9})
    with pytest.raises(RateLimited) as caught:
        await esim_access.list_packages()
    assert caught.value.retry_after == 9


async def test_cancel_refunds_an_unused_esim_only(esim_access, sandbox, ref):
    sim = sandbox.sim("esim_access")
    order = await esim_access.create_order(await _package(esim_access), quantity=1, client_reference=ref)
    await _completed(esim_access, order.provider_order_id)
    balance = sim.balance
    await esim_access.cancel_order(order.provider_order_id)
    assert sim.balance > balance
    assert (await esim_access.get_order(order.provider_order_id)).status == OrderStatus.FAILED
    used = await esim_access.create_order(
        await _package(esim_access), quantity=1, client_reference=f"{ref}-2"
    )
    await _completed(esim_access, used.provider_order_id)
    sim.clock.advance(hours=2)
    with pytest.raises(PermanentProviderError) as caught:
        await esim_access.cancel_order(used.provider_order_id)
    assert caught.value.code == "200002"


async def test_usage_in_batches_advances_and_top_up_adds_data(esim_access, sandbox, ref):
    order = await esim_access.create_order(await _package(esim_access), quantity=2, client_reference=ref)
    iccids = [e.iccid for e in (await _completed(esim_access, order.provider_order_id)).esims]
    before = await esim_access.get_usage(iccids)
    sandbox.sim("esim_access").clock.advance(hours=30)
    after = await esim_access.get_usage(iccids)
    assert [u.used_mb for u in before] == [0, 0] and all(u.used_mb > 0 for u in after)
    assert all(u.total_mb == b.total_mb and u.expires_at for u, b in zip(after, before, strict=True))
    topups = await esim_access.list_topups(iccids[0])
    if not topups:
        pytest.skip("this plan has no top-up in the seeded catalogue")
    await esim_access.create_topup(iccids[0], topups[0].provider_package_id, client_reference=f"{ref}-top")
    await esim_access.create_topup(iccids[0], topups[0].provider_package_id, client_reference=f"{ref}-top")
    (topped,) = await esim_access.get_usage(iccids[:1])
    assert topped.total_mb == before[0].total_mb + topups[0].data_mb  # the repeat was idempotent
    assert sandbox.orders_received("esim_access", f"{ref}-top") == 1
