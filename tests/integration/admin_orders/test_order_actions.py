"""Staff actions on an order: each runs once per confirmation key, is audited with before/after, and is
refused to staff roles it is not for. The timeline of a fulfilled, then refunded, order shows it all."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import select

from providers.registry import ProviderRegistry
from esim_app.errors import message_for
from providers.sandbox.server import Sandbox
from services import admin
from services.core import db
from services.core.models import AuditLog, OrderStatus, Package
from services.orders import ordering
from services.store import settings as store_settings
from tests.support.admin import key, staff
from tests.support.orders import best_offer, esim_count, order_row, paid_order
from tests.support.payments import SECRET_KEY, audit_actions


def _ref(order_id: int) -> str:
    return order_row(order_id).display_id


def _stripe_refunds(stripe_base: str, order_id: int) -> list[int]:
    intent = order_row(order_id).stripe_payment_intent_id
    found = httpx.get(f"{stripe_base}/v1/refunds", params={"payment_intent": intent}, auth=(SECRET_KEY, "")).json()
    return sorted(r["amount"] for r in found["data"])


def _emails(order_id: int, template: str) -> int:
    ref = _ref(order_id)
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM email_outbox WHERE template = :t AND subject LIKE :r"),
                            {"t": template, "r": f"%{ref}%"}).scalar_one()


def _staff_audit(order_id: int, action: str) -> list[AuditLog]:
    with db.session() as s:
        return list(s.exec(select(AuditLog).where(AuditLog.entity_id == _ref(order_id), AuditLog.action == action,
                                                  AuditLog.actor_type == "admin")).all())


def _failed_order(customer: int, provider_id: str) -> int:
    order_id = paid_order(customer, best_offer(provider_id))
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE orders SET status = 'failed', failure_reason = 'order_not_delivered',"
                             " retry_count = 1, provider_id = :p WHERE id = :id"), {"id": order_id, "p": provider_id})
    return order_id


async def test_the_timeline_of_a_fulfilled_then_refunded_order_shows_everything(
        completed_order, registry: ProviderRegistry, stripe_sandbox: str) -> None:
    order_id = await completed_order("airalo")
    owner = staff("owner")
    result = await admin.refund_order(owner, order_ref=_ref(order_id), amount_cents=None, note="Trip cancelled",
                                      key=key(), registry=registry)
    assert result.changed and result.values["full"]
    detail = await admin.get_order(staff("finance"), order_ref=_ref(order_id))
    titles = [e.title for e in detail.timeline]
    assert detail.status == OrderStatus.REFUNDED and detail.refunded_cents == detail.price_cents
    assert titles[0] == "Order created"
    for expected in ("Payment succeeded", "eSIM delivered by the provider", "Refund: requested",
                     "Refund: stripe refunded", "Refunded in full", "Refund by staff"):
        assert expected in titles, (expected, titles)
    assert any(t.startswith("Email: Your ") and "eSIM is ready" in t for t in titles)
    assert any(t == f"Email: Your order {detail.ref} was refunded" for t in titles)
    assert any(e.kind == "refund" and e.title.startswith("Refund of ") for e in detail.timeline)
    staff_event = next(e for e in detail.timeline if e.title == "Refund by staff")
    assert (staff_event.kind, staff_event.actor) == ("staff", "Owner Tester") and "before" in staff_event.detail
    assert [e.at for e in detail.timeline] == sorted(e.at for e in detail.timeline)
    assert all("LPA:" not in e.detail for e in detail.timeline)  # never the activation secret


async def test_the_timeline_shows_each_provider_attempt_with_its_latency_and_error(
        sandbox: Sandbox, customer: int, registry: ProviderRegistry) -> None:
    # given Airalo refuses the plan, so ordering fails over to another provider
    package = best_offer("airalo")
    sandbox.sim("airalo").faults.failing_package_ids = {package.provider_package_id}
    order_id = paid_order(customer, package)
    await ordering.fulfil_paid_order(order_id, registry=registry)
    # when support opens the order
    detail = await admin.get_order(staff("support"), order_ref=_ref(order_id))
    # then both attempts are on the timeline, as the provider calls were recorded
    with db.get_engine().connect() as conn:
        calls = conn.execute(sa.text(
            "SELECT provider_id, latency_ms, outcome, http_status, error_code FROM provider_calls"
            " WHERE subject LIKE :r AND operation = 'create_order' ORDER BY started_at"),
            {"r": order_row(order_id).client_reference + "-%"}).all()
    attempts = [e for e in detail.timeline if e.kind == "provider" and " create order " in e.title]
    assert [c.provider_id for c in calls] == ["airalo", detail.provider_id] and detail.provider_id != "airalo"
    failed, delivered = attempts
    assert failed.title == f"Airalo: create order error in {calls[0].latency_ms} ms" and failed.actor == "Airalo"
    assert failed.detail == f"HTTP {calls[0].http_status}; error {calls[0].error_code}"
    assert delivered.title.endswith(f" create order ok in {calls[1].latency_ms} ms")
    assert detail.timeline.index(failed) < detail.timeline.index(delivered)


async def test_a_replayed_refund_confirmation_refunds_once_and_finance_may_not_refund(
        completed_order, registry: ProviderRegistry, stripe_sandbox: str) -> None:
    order_id = await completed_order("airalo")
    with pytest.raises(admin.NotPermitted):
        await admin.refund_order(staff("finance"), order_ref=_ref(order_id), amount_cents=None, note="no",
                                 key=key(), registry=registry)
    support, same = staff("support"), key()
    first = await admin.refund_order(support, order_ref=_ref(order_id), amount_cents=None, note="Asked by phone",
                                     key=same, registry=registry)
    again = await admin.refund_order(support, order_ref=_ref(order_id), amount_cents=None, note="Asked by phone",
                                     key=same, registry=registry)
    assert first.changed and not again.changed and again.values["refund_id"] == first.values["refund_id"]
    assert _stripe_refunds(stripe_sandbox, order_id) == [order_row(order_id).price_cents]
    audits = _staff_audit(order_id, "order.staff_refund")
    assert len(audits) == 1 and audits[0].details["before"]["status"] == "completed"
    assert audits[0].details["after"]["status"] == "refunded" and _emails(order_id, "order_refunded") == 1


async def test_partial_refunds_add_up_and_the_last_one_closes_the_order(
        completed_order, registry: ProviderRegistry, stripe_sandbox: str) -> None:
    order_id = await completed_order("airalo")
    owner, price = staff("owner"), order_row(order_id).price_cents
    await admin.refund_order(owner, order_ref=_ref(order_id), amount_cents=100, note="Partly", key=key())
    with pytest.raises(admin.InvalidRefundAmount):
        await admin.refund_order(owner, order_ref=_ref(order_id), amount_cents=price, note="Too much", key=key())
    assert order_row(order_id).status == OrderStatus.COMPLETED and order_row(order_id).refunded_cents == 100
    rest = await admin.refund_order(owner, order_ref=_ref(order_id), amount_cents=None, note="The rest", key=key(),
                                    registry=registry)
    assert rest.values["amount_cents"] == price - 100
    assert _stripe_refunds(stripe_sandbox, order_id) == sorted([100, price - 100])
    assert (order_row(order_id).status, order_row(order_id).refunded_cents) == (OrderStatus.REFUNDED, price)
    assert _emails(order_id, "order_refunded") == 2


async def test_retry_now_delivers_a_failed_order_once(customer: int, registry: ProviderRegistry) -> None:
    order_id = _failed_order(customer, "airalo")
    for role in ("support", "finance"):
        with pytest.raises(admin.NotPermitted):
            await admin.retry_order(staff(role), order_ref=_ref(order_id), note="go", key=key(), registry=registry)
    operations, same = staff("operations"), key()
    first = await admin.retry_order(operations, order_ref=_ref(order_id), note="Provider is back", key=same,
                                    registry=registry)
    again = await admin.retry_order(operations, order_ref=_ref(order_id), note="Provider is back", key=same,
                                    registry=registry)
    assert (first.values["status"], first.changed, again.changed) == ("completed", True, False)
    assert esim_count(order_id) == 1
    [audit] = _staff_audit(order_id, "order.retry")  # the order before the retry and as the retry left it
    assert audit.details["before"] == {"status": "failed", "provider": "airalo", "attempts": 1,
                                       "package_id": order_row(order_id).package_id}
    assert audit.details["after"]["status"] == "completed" and audit.details["after"]["attempts"] == 1
    assert audit.details["after"]["provider"] == order_row(order_id).provider_id
    with pytest.raises(admin.ActionNotAllowed):  # a fresh confirmation on a completed order
        await admin.retry_order(operations, order_ref=_ref(order_id), note="again", key=key(), registry=registry)


async def test_failover_delivers_with_the_chosen_provider_and_shows_the_margin(
        customer: int, registry: ProviderRegistry) -> None:
    order_id = _failed_order(customer, "airalo")
    detail = await admin.get_order(staff("operations"), order_ref=_ref(order_id))
    assert detail.can_failover and all(a.provider_id != "airalo" for a in detail.alternatives)
    choice = detail.alternatives[0]
    assert choice.margin_cents == detail.price_cents - choice.cost_cents
    result = await admin.failover_order(staff("owner"), order_ref=_ref(order_id), package_id=choice.package_id,
                                        note="Airalo is down", key=key(), registry=registry)
    assert (result.values["status"], result.values["provider"]) == ("completed", choice.provider_id)
    assert order_row(order_id).provider_id == choice.provider_id and esim_count(order_id) == 1
    [audit] = _staff_audit(order_id, "order.failover")
    assert audit.details["before"]["provider"] == "airalo" and audit.details["after"]["provider"] == choice.provider_id
    assert audit.details["margin_cents"] == choice.margin_cents and audit.details["after"]["status"] == "completed"
    assert detail.provider_name == "Airalo" and choice.provider_name != choice.provider_id


async def test_a_retry_that_fails_again_records_the_new_attempt(
        sandbox: Sandbox, customer: int, registry: ProviderRegistry) -> None:
    order_id = _failed_order(customer, "airalo")
    package = order_row(order_id).package_id
    with db.session() as s:  # every provider's offer of the plan is out of stock, so the retry fails too
        group = s.exec(select(Package.group_key).where(Package.id == package)).one()
        for offer in s.exec(select(Package).where(Package.group_key == group)).all():
            sandbox.sim(offer.provider_id).faults.failing_package_ids.add(offer.provider_package_id)
    result = await admin.retry_order(staff("owner"), order_ref=_ref(order_id), note="Try again", key=key(),
                                     registry=registry)
    [audit] = _staff_audit(order_id, "order.retry")
    assert result.values["status"] == "failed" == audit.details["after"]["status"]
    row = order_row(order_id)
    assert audit.details["before"] == {"status": "failed", "provider": "airalo", "attempts": 1, "package_id": package}
    assert audit.details["after"] == {"status": "failed", "provider": row.provider_id, "attempts": 2,
                                      "package_id": row.package_id}


async def test_failover_below_the_margin_floor_is_refused_and_not_offered(
        customer: int, registry: ProviderRegistry) -> None:
    order_id = _failed_order(customer, "airalo")
    choice = (await admin.get_order(staff("owner"), order_ref=_ref(order_id))).alternatives[0]
    floor = store_settings.get_store_settings().min_margin_cents
    store_settings.set_min_margin_cents(choice.margin_cents + 1)  # the cheapest alternative falls below it
    try:
        detail = await admin.get_order(staff("owner"), order_ref=_ref(order_id))
        with pytest.raises(admin.FailoverBelowFloor) as refused:
            await admin.failover_order(staff("owner"), order_ref=_ref(order_id), package_id=choice.package_id,
                                       note="Airalo is down", key=key(), registry=registry)
    finally:
        store_settings.set_min_margin_cents(floor)
    assert all(not a.keeps_floor for a in detail.alternatives) and not detail.can_failover
    assert refused.value.params["provider"] == choice.provider_name != choice.provider_id
    assert "below the floor" in message_for(refused.value)
    row = order_row(order_id)
    assert (row.status, row.provider_id) == (OrderStatus.FAILED, "airalo") and esim_count(order_id) == 0
    assert _staff_audit(order_id, "order.failover") == []


async def test_resend_emails_the_esim_again_once_per_confirmation(completed_order, stripe_sandbox: str) -> None:
    order_id = await completed_order("esim_go")
    support, same = staff("support"), key()
    assert _emails(order_id, "order_completed") == 1
    await admin.resend_esim_email(support, order_ref=_ref(order_id), note="Lost the email", key=same)
    await admin.resend_esim_email(support, order_ref=_ref(order_id), note="Lost the email", key=same)
    assert _emails(order_id, "order_completed") == 2 and len(_staff_audit(order_id, "order.email_resent")) == 1
    with pytest.raises(admin.NotPermitted):
        await admin.resend_esim_email(staff("finance"), order_ref=_ref(order_id), note="x", key=key())


async def test_cancel_at_a_provider_that_supports_it(completed_order, registry: ProviderRegistry,
                                                     stripe_sandbox: str) -> None:
    order_id = await completed_order("esim_access")
    owner = staff("owner")
    assert (await admin.get_order(owner, order_ref=_ref(order_id))).can_cancel
    await admin.cancel_at_provider(owner, order_ref=_ref(order_id), note="Customer asked", key=key(), registry=registry)
    detail = await admin.get_order(owner, order_ref=_ref(order_id))
    assert [e.status for e in detail.esims] == ["cancelled"] and not detail.can_cancel
    assert "order.provider_cancelled" in audit_actions(order_id)
    other = await completed_order("airalo")
    with pytest.raises(admin.ActionNotAllowed):
        await admin.cancel_at_provider(owner, order_ref=_ref(other), note="x", key=key(), registry=registry)


async def test_actions_need_a_note_and_a_key(completed_order, stripe_sandbox: str) -> None:
    order_id = await completed_order("esim_go")
    with pytest.raises(admin.NoteMissing):
        await admin.resend_esim_email(staff("owner"), order_ref=_ref(order_id), note="  ", key=key())
    with pytest.raises(admin.StaleAction):
        await admin.resend_esim_email(staff("owner"), order_ref=_ref(order_id), note="x", key="")
    assert ordering  # the module the actions hand fulfilment to
