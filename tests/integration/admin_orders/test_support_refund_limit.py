"""The order page's refunds (full and partial) go through support's refund limit like every staff refund."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from providers.registry import ProviderRegistry
from services import admin
from services.core import db
from services.orders.errors import RefundAboveLimit
from services.store import settings as store_settings
from tests.support.admin import key, staff
from tests.support.orders import order_row
from tests.support.payments import SECRET_KEY


def _refunded(stripe_base: str, order_id: int) -> list[int]:
    intent = order_row(order_id).stripe_payment_intent_id
    found = httpx.get(f"{stripe_base}/v1/refunds", params={"payment_intent": intent}, auth=(SECRET_KEY, "")).json()
    return sorted(r["amount"] for r in found["data"])


@pytest.fixture
def limit_of_one_dollar(orders_db: str):
    store_settings.set_support_refund_limit_cents(100)
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = :k"), {"k": store_settings.SUPPORT_REFUND_LIMIT})


async def test_support_refunds_part_within_the_limit_but_not_more(
        completed_order, registry: ProviderRegistry, stripe_sandbox: str, limit_of_one_dollar) -> None:
    order_id = await completed_order("airalo")
    ref, support = order_row(order_id).display_id, staff("support")
    done = await admin.refund_order(support, order_ref=ref, amount_cents=100, note="Goodwill", key=key())
    assert done.changed and not done.values["full"]
    with pytest.raises(RefundAboveLimit):
        await admin.refund_order(support, order_ref=ref, amount_cents=101, note="More", key=key())
    with pytest.raises(RefundAboveLimit):
        await admin.refund_order(support, order_ref=ref, amount_cents=None, note="All", key=key(), registry=registry)
    assert _refunded(stripe_sandbox, order_id) == [100]
    rest = await admin.refund_order(staff("operations"), order_ref=ref, amount_cents=None, note="All", key=key(),
                                    registry=registry)
    assert rest.changed and _refunded(stripe_sandbox, order_id) == sorted([100, order_row(order_id).price_cents - 100])
