"""The eSIM Go client against its simulator over HTTP."""

from __future__ import annotations

import pytest

from providers.base import (
    AuthRejected,
    InsufficientBalance,
    NotFound,
    OrderStatus,
    OutcomeUnknown,
    OutOfStock,
)
from providers.esim_go import EsimGoProvider

from .conftest import TIMEOUT


async def _bundle(client: EsimGoProvider) -> str:
    packages = await client.list_packages()
    return next(p.provider_package_id for p in packages if len(p.destinations) == 1 and not p.unlimited)


async def test_catalogue_in_either_shape_with_nominal_mb(esim_go, sandbox):
    wrapped = await esim_go.list_packages()
    sandbox.sim("esim_go").bare_catalogue = True
    bare = await esim_go.list_packages()
    assert len(wrapped) == len(bare) == len(sandbox.sim("esim_go").bundles)
    one_gb = next(p for p in wrapped if p.raw["dataAmount"] == 1000)
    assert one_gb.data_mb == 1024 and one_gb.cost_currency == "USD"


async def test_wrong_key_is_forbidden(sandbox):
    client = EsimGoProvider(api_key="wrong", base_url=sandbox.urls["esim_go"], timeout=TIMEOUT)
    with pytest.raises(AuthRejected) as caught:
        await client.list_packages()
    assert caught.value.http_status == 403
    await client.aclose()


async def test_order_returns_install_details_and_tags_the_esims(esim_go, sandbox, ref):
    order = await esim_go.create_order(await _bundle(esim_go), quantity=2, client_reference=ref)
    assert order.status == OrderStatus.COMPLETED and len(order.esims) == 2
    assert order.esims[0].smdp_address == "rsp.sandbox-esimgo.test"  # scheme stripped
    assert (await esim_go.get_esim(order.esims[0].iccid)).matching_id == order.esims[0].matching_id
    assert sandbox.orders_received("esim_go", ref) == 1


async def test_business_errors(esim_go, sandbox, ref):
    bundle = await _bundle(esim_go)
    sim = sandbox.sim("esim_go")
    before = len(sim.orders)
    sim.faults.failing_package_ids = {bundle}
    with pytest.raises(OutOfStock):
        await esim_go.create_order(bundle, quantity=1, client_reference=ref)
    sim.faults.failing_package_ids = set()
    sim.balance = 0
    with pytest.raises(InsufficientBalance):
        await esim_go.create_order(bundle, quantity=1, client_reference=ref)
    with pytest.raises(NotFound):
        await esim_go.create_order("esim_no_such_bundle", quantity=1, client_reference=ref)
    assert len(sim.orders) == before  # nothing was bought
    assert await esim_go.find_order(ref) is None


async def test_timeout_after_transaction_is_unknown_then_found_once(esim_go, sandbox, ref):
    sim = sandbox.sim("esim_go")
    bundle = await _bundle(esim_go)
    before = len(sim.orders)
    # validate passes; the answer to the charging transaction is held back past the client timeout
    sim.faults.update({"pass_next": 1, "hang_next": 1, "hang_seconds": 2, "paths": ["POST /v2.4/orders"]})
    with pytest.raises(OutcomeUnknown):
        await esim_go.create_order(bundle, quantity=1, client_reference=ref)
    assert len(sim.orders) == before + 1
    found = await esim_go.find_order(ref)
    assert found is not None and found.status == OrderStatus.COMPLETED and len(found.esims) == 1
    assert len(sim.orders) == before + 1 and sandbox.orders_received("esim_go", ref) == 1


async def test_timeout_before_processing_finds_nothing(esim_go, sandbox, ref):
    sim = sandbox.sim("esim_go")
    bundle = await _bundle(esim_go)
    before = len(sim.orders)
    sim.faults.update(
        {
            "pass_next": 1,
            "hang_next": 1,
            "hang_seconds": 2,
            "hang_phase": "before",
            "paths": ["POST /v2.4/orders"],
        }
    )
    with pytest.raises(OutcomeUnknown):
        await esim_go.create_order(bundle, quantity=1, client_reference=ref)
    assert await esim_go.find_order(ref) is None
    assert len(sim.orders) == before


async def test_usage_advances_and_a_bundle_tops_up(esim_go, sandbox, ref):
    order = await esim_go.create_order(await _bundle(esim_go), quantity=1, client_reference=ref)
    iccid = order.esims[0].iccid
    (before,) = await esim_go.get_usage([iccid])
    sandbox.sim("esim_go").clock.advance(hours=30)
    (after,) = await esim_go.get_usage([iccid])
    assert before.used_mb == 0 and before.provider_status == "queued"
    assert after.used_mb > 0 and after.provider_status == "active"
    topups = await esim_go.list_topups(iccid)
    assert topups and all(t.is_topup for t in topups)
    await esim_go.create_topup(iccid, topups[0].provider_package_id, client_reference=f"{ref}-top")
    (topped,) = await esim_go.get_usage([iccid])
    assert topped.total_mb == after.total_mb + topups[0].data_mb
