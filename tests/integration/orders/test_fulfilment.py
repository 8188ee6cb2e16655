"""A paid order is provisioned exactly once, fails over on refusals and reconciles on silence."""

from __future__ import annotations

import asyncio
import logging

import pytest
import sqlalchemy as sa
from sqlmodel import select

from providers.registry import ProviderRegistry
from providers.sandbox.server import Sandbox
from services.admin import order_detail
from services.core import crypto, db
from services.core.models import AuditLog, Esim, EsimStatus, OrderStatus, Package
from services.orders import claims, payment_state, topups
from services.orders import ordering as orders
from services.store.settings import get_store_settings
from tests.support.orders import best_offer, esim_count, order_row, paid_order, rival_topup


def _reference(order_id: int, provider_id: str) -> str:
    return f"{order_row(order_id).client_reference}-{provider_id}"


async def test_paid_order_buys_one_esim_and_queues_the_email(sandbox: Sandbox, registry: ProviderRegistry,
                                                             customer: int) -> None:
    order_id = paid_order(customer, best_offer("airalo"))
    result = await orders.fulfil_paid_order(order_id, registry=registry)
    assert result.status == OrderStatus.COMPLETED and len(result.iccids) == 1
    assert sandbox.orders_received("airalo", _reference(order_id, "airalo")) == 1
    with db.get_engine().connect() as conn:
        esim = conn.execute(sa.text("SELECT lpa, smdp_address, matching_id FROM esims WHERE order_id = :id"),
                            {"id": order_id}).one()
        mail = conn.execute(sa.text("SELECT subject, text_body, attachments FROM email_outbox "
                                    "WHERE template = 'order_completed' ORDER BY id DESC LIMIT 1")).one()
    lpa, matching_id = crypto.decrypt(esim.lpa), crypto.decrypt(esim.matching_id)  # encrypted at rest
    assert lpa == f"LPA:1${esim.smdp_address}${matching_id}"
    assert order_row(order_id).display_id in mail.subject
    assert lpa in mail.text_body
    assert mail.attachments[0]["content_type"] == "image/png" and mail.attachments[0]["cid"]
    with db.session() as s:  # what the ORM reads back (decrypted), and the ref the database made
        stored = s.exec(select(Esim).where(Esim.order_id == order_id)).one()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "order.completed",
                                              AuditLog.entity_id == order_row(order_id).display_id)).one()
    assert (stored.lpa, stored.matching_id, stored.iccid) == (lpa, matching_id, result.iccids[0])
    assert stored.display_id and mail.attachments[0]["filename"] == f"{stored.display_id}-qr.png"
    assert stored.status == EsimStatus.NOT_INSTALLED and stored.user_id == customer
    assert isinstance(stored.raw, dict) and stored.used_mb == 0
    assert audit.details == {"provider": "airalo", "iccids": [stored.iccid]}


async def test_fulfilling_twice_places_one_provider_order(sandbox: Sandbox, registry: ProviderRegistry,
                                                          customer: int) -> None:
    order_id = paid_order(customer, best_offer("airalo"))
    first = await orders.fulfil_paid_order(order_id, registry=registry)
    second = await orders.fulfil_paid_order(order_id, registry=registry)
    assert first.changed and not second.changed
    assert second.status == OrderStatus.COMPLETED and second.iccids == first.iccids
    assert sandbox.orders_received("airalo", _reference(order_id, "airalo")) == 1
    assert esim_count(order_id) == 1


async def test_two_racing_workers_place_one_provider_order(sandbox: Sandbox, registry: ProviderRegistry,
                                                           customer: int) -> None:
    order_id = paid_order(customer, best_offer("esim_go"))
    sandbox.sim("esim_go").faults.latency = 0.2  # widen the window for a race
    results = await asyncio.gather(*(orders.fulfil_paid_order(order_id, registry=registry) for _ in range(4)))
    assert sum(r.changed for r in results) == 1
    assert sandbox.orders_received("esim_go", _reference(order_id, "esim_go")) == 1
    assert esim_count(order_id) == 1


async def test_out_of_stock_fails_over_to_another_provider_above_the_margin_floor(
        sandbox: Sandbox, registry: ProviderRegistry, customer: int) -> None:
    package = best_offer("airalo")
    sandbox.sim("airalo").faults.failing_package_ids = {package.provider_package_id}
    order_id = paid_order(customer, package)
    result = await orders.fulfil_paid_order(order_id, registry=registry)
    row = order_row(order_id)
    assert result.status == OrderStatus.COMPLETED
    assert row.provider_id != "airalo"
    assert sandbox.orders_received("airalo", _reference(order_id, "airalo")) == 0
    assert row.price_cents * 10_000 - row.cost_micros >= get_store_settings().min_margin_cents * 10_000


async def test_no_failover_below_the_margin_floor(sandbox: Sandbox, registry: ProviderRegistry,
                                                  customer: int) -> None:
    package = best_offer("airalo")
    sandbox.sim("airalo").faults.failing_package_ids = {package.provider_package_id}
    order_id = paid_order(customer, package)
    with db.get_engine().begin() as conn:  # the other offers now cost more than the customer paid
        conn.execute(sa.text("UPDATE packages SET cost_micros = cost_micros + 100000000 "
                             "WHERE group_key = :g AND provider_id <> 'airalo'"), {"g": package.group_key})
    try:
        result = await orders.fulfil_paid_order(order_id, registry=registry)
    finally:
        with db.get_engine().begin() as conn:
            conn.execute(sa.text("UPDATE packages SET cost_micros = cost_micros - 100000000 "
                                 "WHERE group_key = :g AND provider_id <> 'airalo'"), {"g": package.group_key})
    assert result.status == OrderStatus.FAILED
    assert order_row(order_id).failure_reason == "order_not_delivered"  # a code, never the provider's words
    assert esim_count(order_id) == 0


async def test_a_refused_top_up_never_fails_over_to_another_providers_top_up(
        sandbox: Sandbox, registry: ProviderRegistry, completed_order, customer: int) -> None:
    # given a customer's Airalo eSIM, a top-up Airalo says fits it, and a cheaper equivalent of another provider
    with db.get_engine().connect() as conn:
        esim = conn.execute(sa.text("SELECT id, display_id FROM esims WHERE order_id = :id"),
                            {"id": await completed_order("airalo")}).one()
    offer = (await topups.list_topup_offers(customer, esim_ref=esim.display_id, registry=registry))[0]
    created = orders.create_order(customer, plan_slug=offer.slug, topup_of_esim_id=esim.id)
    topup = order_row(created.id)
    assert payment_state.mark_paid(created.id, payment_intent_id="pi_topup_stays", amount_cents=created.price_cents,
                                   currency=created.currency)
    with db.session() as s:
        package = s.get(Package, topup.package_id)
    sandbox.sim("airalo").faults.failing_package_ids = {package.provider_package_id}
    # when Airalo refuses the top-up
    with rival_topup(package):
        result = await orders.fulfil_paid_order(created.id, registry=registry)
    # then the order fails (for the retry job) without any other provider being tried, nor offered to staff
    row = order_row(created.id)
    assert result.status == OrderStatus.FAILED
    assert (row.provider_id, row.package_id) == ("airalo", package.id)
    detail = order_detail.get_order_detail(row.display_id)
    assert detail.alternatives == () and not detail.can_failover


async def test_timeout_after_the_order_post_reconciles_instead_of_buying_again(
        sandbox: Sandbox, registry: ProviderRegistry, customer: int) -> None:
    order_id = paid_order(customer, best_offer("airalo"))
    faults = sandbox.sim("airalo").faults
    faults.update({"hang_next": 1, "hang_seconds": 5.0, "hang_phase": "after", "paths": ["POST /v2/orders"]})
    result = await orders.fulfil_paid_order(order_id, registry=registry)
    assert result.status == OrderStatus.COMPLETED
    assert sandbox.orders_received("airalo", _reference(order_id, "airalo")) == 1
    assert esim_count(order_id) == 1


async def test_asynchronous_allocation_completes_after_polling(sandbox: Sandbox, registry: ProviderRegistry,
                                                               customer: int) -> None:
    sandbox.sim("esim_access").allocation_delay = 1.0
    order_id = paid_order(customer, best_offer("esim_access"))
    result = await orders.fulfil_paid_order(order_id, registry=registry)
    assert result.status == OrderStatus.COMPLETED and len(result.iccids) == 1
    assert sandbox.orders_received("esim_access", _reference(order_id, "esim_access")) == 1


async def test_an_order_left_provisioning_is_resumed_without_a_second_purchase(
        sandbox: Sandbox, registry: ProviderRegistry, customer: int) -> None:
    order_id = paid_order(customer, best_offer("esim_go"))
    faults = sandbox.sim("esim_go").faults
    faults.update({"hang_next": 1, "hang_seconds": 5.0, "hang_phase": "after",
                   "paths": ["POST /v2.4/orders"]})
    # a process that dies after the POST: simulate by giving up before the answer
    claim = claims.claim_paid(order_id)
    package = best_offer("esim_go")
    candidate = claims.Offer(package.id, "esim_go", package.provider_package_id, package.cost_micros,
                                  package.data_mb, package.unlimited)
    lease = claims.Lease(claim)
    assert orders._record_attempt(lease, candidate, claim.quantity)
    try:
        await asyncio.wait_for(orders._buy(registry.get("esim_go"), claim, candidate, lease), timeout=0.5)
    except TimeoutError:
        pass
    await asyncio.sleep(0.1)
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE orders SET last_status_check = now() - interval '1 hour' WHERE id = :id"),
                     {"id": order_id})
    result = await orders.fulfil_paid_order(order_id, registry=registry, resume=True)
    assert result.status == OrderStatus.COMPLETED
    assert sandbox.orders_received("esim_go", _reference(order_id, "esim_go")) == 1
    assert esim_count(order_id) == 1


async def test_activation_strings_never_reach_the_logs(sandbox: Sandbox, registry: ProviderRegistry, customer: int,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    order_id = paid_order(customer, best_offer("esim_access"))
    await orders.fulfil_paid_order(order_id, registry=registry)
    with db.get_engine().connect() as conn:
        lpa, matching_id = conn.execute(sa.text("SELECT lpa, matching_id FROM esims WHERE order_id = :id"),
                                        {"id": order_id}).one()
    messages = [record.getMessage() for record in caplog.records]
    assert messages, "fulfilment logged nothing at all"
    assert not [m for m in messages if lpa in m or matching_id in m]
