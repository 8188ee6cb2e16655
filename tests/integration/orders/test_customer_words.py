"""A provider's failure reaches staff in full but customers only in our words: order page, order list, emails."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from esim_app.state.account import failure_text
from providers.registry import ProviderRegistry
from providers.sandbox.server import Sandbox
from services import orders
from services.core import db
from services.core.models import OrderStatus
from services.orders import ordering, recovery
from tests.support.orders import order_row, paid_by_card
from tests.support.payments import audit_actions

PROVIDER_WORDS = ("airalo", "esim_access", "esim_go", "503", "server error")


def _assert_ours(text: str) -> None:
    lowered = text.lower()
    assert not [w for w in PROVIDER_WORDS if w in lowered], text


async def test_a_provider_outage_shows_our_words_on_the_order_page_list_and_email(
        sandbox: Sandbox, registry: ProviderRegistry, stripe_sandbox: str, webhooks, customer: int) -> None:
    # given a paid order whose provider answers every request with a 5xx
    order_id = paid_by_card(customer, "airalo", stripe_sandbox)
    sandbox.sim("airalo").faults.fail_next = -1
    result = await ordering.fulfil_paid_order(order_id, registry=registry)
    assert result.status == OrderStatus.FAILED
    ref = order_row(order_id).display_id
    # then staff still have the provider's account of it
    with db.get_engine().connect() as conn:
        details = conn.execute(sa.text("SELECT details FROM audit_log WHERE entity_id = :ref "
                                       "AND action = 'order.failed'"), {"ref": ref}).scalar_one()
    assert "airalo" in details["detail"] and "order.failed" in audit_actions(order_id)
    # and the order page and the order list give the customer a stable code, worded by us
    page = await orders.get_order(customer, order_ref=ref)
    listed = [o for o in (await orders.load_account(customer)).orders if o.ref == ref]
    assert page.failure_code == listed[0].failure_code == "order_delivery_delayed"
    for text in (str(page), str(listed[0]), failure_text(page.failure_code)):
        _assert_ours(text)
    # when the retries run out and the order is refunded
    lease = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE orders SET next_retry_at = :lease WHERE id = :id"),
                     {"lease": lease, "id": order_id})
    assert recovery.refund_failed_order(order_id, lease=lease)
    # then the email says so in our words too
    with db.get_engine().connect() as conn:
        mail = conn.execute(sa.text("SELECT subject, text_body, html_body FROM email_outbox "
                                    "WHERE template = 'order_undeliverable' AND subject LIKE :ref"),
                            {"ref": f"%{ref}%"}).one()
    for text in mail:
        _assert_ours(text)
    assert "did not answer in time" in mail.text_body
