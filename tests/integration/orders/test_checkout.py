"""Checkout as one call: the tab's key makes one order however often the customer clicks or retries."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from services import orders
from services.core import db
from services.core.models import OrderStatus
from services.payments.errors import PaymentDeclined
from tests.support.orders import best_offer, new_customer
from tests.support.payments import CARD_DECLINED, CARD_OK, card_token, order_row



def _order_id(ref: str) -> int:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT id FROM orders WHERE display_id = :ref"), {"ref": ref}).scalar_one()


async def test_paying_twice_with_the_same_key_makes_one_order(stripe_sandbox, webhooks, sandbox, customer) -> None:
    # given a customer on the checkout page of a plan
    offer, key = best_offer("airalo", with_alternatives=False), uuid.uuid4().hex
    slug = offer.slug
    # when the card is charged, then the same tab pays again (a double click, a retried request)
    first = await orders.pay_checkout(customer, key=key, plan_slug=slug, shown_price_cents=offer.price_cents, card_token=card_token(stripe_sandbox, CARD_OK))
    second = await orders.pay_checkout(customer, key=key, plan_slug=slug, shown_price_cents=offer.price_cents, card_token=card_token(stripe_sandbox, CARD_OK))
    # then one order was paid and handed to fulfilment
    assert first.paid and second == first
    row = order_row(_order_id(first.order_ref))
    assert (row.status, row.client_reference) == (OrderStatus.PAID, key)
    assert [row.id] in webhooks.fulfilled


async def test_a_declined_card_then_another_card_pay_the_same_order(stripe_sandbox, webhooks, sandbox,
                                                                    customer) -> None:
    offer, key = best_offer("esim_go", with_alternatives=False), uuid.uuid4().hex
    slug = offer.slug
    with pytest.raises(PaymentDeclined) as declined:
        await orders.pay_checkout(customer, key=key, plan_slug=slug, shown_price_cents=offer.price_cents, card_token=card_token(stripe_sandbox, CARD_DECLINED))
    assert declined.value.code == "payment_declined"
    paid = await orders.pay_checkout(customer, key=key, plan_slug=slug, shown_price_cents=offer.price_cents, card_token=card_token(stripe_sandbox, CARD_OK))
    row = order_row(_order_id(paid.order_ref))
    assert (row.status, row.client_reference) == (OrderStatus.PAID, key)


async def test_another_customer_cannot_use_a_checkout_key(stripe_sandbox, webhooks, sandbox, customer) -> None:
    offer, key = best_offer("airalo", with_alternatives=False), uuid.uuid4().hex
    slug = offer.slug
    await orders.pay_checkout(customer, key=key, plan_slug=slug, shown_price_cents=offer.price_cents, card_token=card_token(stripe_sandbox, CARD_OK))
    with pytest.raises(orders.CheckoutExpired):
        await orders.pay_checkout(new_customer(), key=key, plan_slug=slug, shown_price_cents=offer.price_cents,
                                  card_token=card_token(stripe_sandbox, CARD_OK))


async def test_checkout_load_shows_the_plan_and_refuses_a_vanished_one(sandbox) -> None:
    offer = best_offer("esim_access", with_alternatives=False)
    view = await orders.load_checkout(None, plan_slug=offer.slug)
    assert view is not None and view.offer.price_cents == offer.price_cents and view.coverage_names
    assert await orders.load_checkout(None, plan_slug="no-such-plan") is None


async def test_a_price_changed_since_the_page_showed_it_is_refused_and_nothing_charged(
        stripe_sandbox, webhooks, sandbox, customer) -> None:
    # given a checkout page showing a plan's price, then staff change that price
    offer, key = best_offer("airalo", with_alternatives=False), uuid.uuid4().hex
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE packages SET price_cents = price_cents + 100 WHERE slug = :slug"),
                     {"slug": offer.slug})
    # when the customer pays at the price they saw
    with pytest.raises(orders.PriceChanged) as changed:
        await orders.pay_checkout(customer, key=key, plan_slug=offer.slug, shown_price_cents=offer.price_cents,
                                  card_token=card_token(stripe_sandbox, CARD_OK))
    # then no order exists for that tab and nothing was charged; at the new price shown, it goes through
    assert changed.value.code == "price_changed"
    with db.get_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM orders WHERE client_reference = :key"),
                            {"key": key}).scalar_one() == 0
    paid = await orders.pay_checkout(customer, key=key, plan_slug=offer.slug,
                                     shown_price_cents=offer.price_cents + 100,
                                     card_token=card_token(stripe_sandbox, CARD_OK))
    assert paid.paid and order_row(_order_id(paid.order_ref)).price_cents == offer.price_cents + 100
