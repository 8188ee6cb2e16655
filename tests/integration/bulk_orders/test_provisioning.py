"""Provisioning a bulk order with the orders domain's fulfilment, against the simulators over HTTP."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from providers.registry import ProviderRegistry
from providers.sandbox.server import Sandbox
from services.core import db
from services.core.models import Package
from services.enterprise import provisioning, purchasing
from services.enterprise.bulk import BulkLine
from services.orders import ordering
from tests.integration.bulk_orders.conftest import count, new_company


def _place(plan: Package, quantity: int):
    who = new_company(credit_limit_cents=plan.price_cents * 100)
    view = purchasing.place(who, [BulkLine(plan.id, quantity)], payment="account", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    return who, view


def _emails(template: str, ref: str) -> int:
    return count("SELECT count(*) FROM email_outbox WHERE template = :t AND subject LIKE :r", t=template,
                 r=f"%{ref}%")


async def test_three_esims_are_bought_once_each_and_the_company_is_emailed(
        sandbox: Sandbox, registry: ProviderRegistry, plan: Package) -> None:
    who, view = _place(plan, 3)
    state = await provisioning.provision(view.id, registry=registry)
    assert (state.total, state.ready, state.failed) == (3, 3, 0)
    done = purchasing.get_order(who, view.ref)
    assert done.status == "completed" and done.progress_text == "3 of 3"
    assert count("SELECT count(*) FROM esims e JOIN orders o ON o.id = e.order_id WHERE o.bulk_order_id = :b"
                 " AND e.enterprise_account_id = :c AND e.user_id IS NULL", b=view.id, c=who.company_id) == 3
    with db.get_engine().connect() as conn:
        refs = list(conn.execute(sa.text("SELECT client_reference FROM orders WHERE bulk_order_id = :b"),
                                 {"b": view.id}).scalars())
    assert all(sandbox.orders_received("airalo", f"{ref}-airalo") == 1 for ref in refs)
    await provisioning.provision(view.id, registry=registry)  # again: nothing bought twice, no second email
    assert all(sandbox.orders_received("airalo", f"{ref}-airalo") == 1 for ref in refs)
    assert _emails("bulk_order_done", view.ref) == 1
    assert _emails("order_completed", view.ref) == 0  # no customer emails for a company's eSIMs


async def test_a_failing_provider_fails_over_per_esim(sandbox: Sandbox, registry: ProviderRegistry,
                                                       plan: Package) -> None:
    sandbox.sim("airalo").faults.failing_package_ids = {plan.provider_package_id}
    who, view = _place(plan, 2)
    state = await provisioning.provision(view.id, registry=registry)
    assert state.ready == 2
    assert count("SELECT count(*) FROM orders WHERE bulk_order_id = :b AND provider_id <> 'airalo'", b=view.id) == 2


async def test_undeliverable_esims_are_listed_and_a_retry_delivers_them(
        sandbox: Sandbox, registry: ProviderRegistry, plan: Package) -> None:
    sandbox.sim("airalo").faults.failing_package_ids = {plan.provider_package_id}
    raise_others = "UPDATE packages SET cost_micros = cost_micros {} 100000000 WHERE group_key = :g AND provider_id <> 'airalo'"
    with db.get_engine().begin() as conn:  # no failover: the other offers cost more than the price
        conn.execute(sa.text(raise_others.format("+")), {"g": plan.group_key})
    try:
        who, view = _place(plan, 2)
        state = await provisioning.provision(view.id, registry=registry)
    finally:
        with db.get_engine().begin() as conn:
            conn.execute(sa.text(raise_others.format("-")), {"g": plan.group_key})
    assert (state.ready, state.failed) == (0, 2)
    failed = purchasing.get_order(who, view.ref)
    assert failed.status == "failed" and len(failed.failures) == 2
    assert {f.reason for f in failed.failures} == {"order_not_delivered"}
    sandbox.sim("airalo").faults.failing_package_ids = set()
    retried, queued = purchasing.retry_failed(who, view.ref)
    assert queued == 2 and retried.status == "provisioning"
    state = await provisioning.provision(view.id, registry=registry)
    assert (state.ready, state.failed) == (2, 0)
    assert purchasing.get_order(who, view.ref).status == "completed"
    assert _emails("bulk_order_done", view.ref) == 2  # one per finish


async def test_the_jobs_sweep_closes_an_order_whose_esims_the_retry_job_delivered(
        sandbox: Sandbox, registry: ProviderRegistry, plan: Package) -> None:
    # the provider turns every order away for now (busy: a transient failure, as when it is down); its
    # sign-in still answers: failing sign-ins would spend Airalo's 3 tokens a minute, and the client
    # would then wait 20 s before each further attempt (80 s of this test)
    sandbox.sim("airalo").faults.update({"paths": ["POST /v2/orders"], "rate_limit_next": -1, "retry_after": 0.05})
    who, view = _place(plan, 2)
    with db.get_engine().begin() as conn:  # and no failover either
        conn.execute(sa.text("UPDATE packages SET is_enabled = false WHERE group_key = :g AND provider_id <> 'airalo'"),
                     {"g": plan.group_key})
    try:
        first = await provisioning.provision(view.id, registry=registry)
    finally:
        with db.get_engine().begin() as conn:
            conn.execute(sa.text("UPDATE packages SET is_enabled = true WHERE group_key = :g"), {"g": plan.group_key})
    sandbox.sim("airalo").faults.update({"paths": [], "rate_limit_next": 0, "retry_after": 1.0})
    assert first.ready == 0 and purchasing.get_order(who, view.ref).status in ("failed", "provisioning")
    with db.get_engine().begin() as conn:  # what the failed-orders job does when their retry is due
        conn.execute(sa.text("UPDATE orders SET status = 'paid' WHERE bulk_order_id = :b AND status = 'failed'"),
                     {"b": view.id})
    with db.get_engine().connect() as conn:
        ids = list(conn.execute(sa.text("SELECT id FROM orders WHERE bulk_order_id = :b"), {"b": view.id}).scalars())
    for order_id in ids:
        await ordering.fulfil_paid_order(order_id, registry=registry)
    provisioning.sweep()
    assert purchasing.get_order(who, view.ref).status == "completed"
