"""Paying in the customer's currency: the amount shown is the PaymentIntent's, refunds go back in that
currency, and the dashboard counts the order in USD at the rate the order kept."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa

from services import admin, orders
from services.core import db
from services.core.models import OrderStatus
from services.orders import topups
from services.payments.errors import PaymentDeclined
from services.payments.stripe_payments import stripe_client
from services.store import currencies
from services.store import settings as store_settings
from tests.support.analytics import staff
from tests.support.orders import best_offer
from tests.support.payments import CARD_DECLINED, CARD_OK, card_token, order_row

YEN_PER_USD = "151.37"



@pytest.fixture
def yen() -> Iterator[None]:
    """Staff enable JPY at a rate of their own; the defaults come back afterwards."""
    store_settings.set_currency_rates({**store_settings.DEFAULTS.currency_rates, "JPY": YEN_PER_USD})
    store_settings.set_sale_currencies(["JPY"])
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key IN (:a, :b)"),
                     {"a": store_settings.CURRENCY_RATES, "b": store_settings.SALE_CURRENCIES})
    store_settings.invalidate_catalog_cache()


def _order_id(ref: str) -> int:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT id FROM orders WHERE display_id = :ref"), {"ref": ref}).scalar_one()


async def _buy_in_yen(customer: int, stripe_base: str) -> tuple[orders.CheckoutView, int]:
    offer = best_offer("airalo", with_alternatives=False)
    view = await orders.load_checkout(customer, plan_slug=offer.slug, currency="JPY")
    assert view is not None
    paid = await orders.pay_checkout(customer, key=uuid.uuid4().hex, plan_slug=offer.slug, card_token=card_token(stripe_base),
                                     currency="JPY", shown_price_cents=view.price_cents,
                                     shown_usd_cents=view.offer.price_cents)
    assert paid.paid
    return view, _order_id(paid.order_ref)


async def test_a_yen_payment_intent_is_for_exactly_the_amount_shown(stripe_sandbox, webhooks, sandbox, customer,
                                                                     yen) -> None:
    # given a customer who chose JPY at checkout
    # when they pay the amount the page showed
    view, order_id = await _buy_in_yen(customer, stripe_sandbox)
    # then the order and Stripe's PaymentIntent hold that amount in yen, and the order keeps the rate
    assert view.currency == "JPY"
    assert view.price_cents == currencies.price_in(view.offer.price_cents, "JPY", store_settings.get_store_settings())
    row = order_row(order_id)
    assert (row.status, row.currency, row.price_cents) == (OrderStatus.PAID, "JPY", view.price_cents)
    assert row.fx_rate == Decimal(YEN_PER_USD)
    assert row.base_price_cents == round(Decimal(view.price_cents) / Decimal(YEN_PER_USD) * 100)
    intent = stripe_client().v1.payment_intents.retrieve(row.stripe_payment_intent_id)
    assert (intent.amount, intent.currency, intent.status) == (view.price_cents, "jpy", "succeeded")


async def test_a_changed_rate_is_refused_with_its_own_words_and_nothing_is_charged(stripe_sandbox, webhooks, sandbox,
                                                                                    customer, yen) -> None:
    # given a checkout showing a price in yen
    offer = best_offer("esim_go", with_alternatives=False)
    view = await orders.load_checkout(customer, plan_slug=offer.slug, currency="JPY")
    assert view is not None
    # when staff move the rate before the customer pays
    store_settings.set_currency_rates({**store_settings.DEFAULTS.currency_rates, "JPY": "160"})
    key = uuid.uuid4().hex
    with pytest.raises(orders.PriceChanged) as refused:
        await orders.pay_checkout(customer, key=key, plan_slug=offer.slug, card_token=card_token(stripe_sandbox),
                                  currency="JPY", shown_price_cents=view.price_cents,
                                  shown_usd_cents=view.offer.price_cents)
    # then the refusal names the rate, no order exists, and the new price shown goes through
    assert refused.value.code == "rate_changed" and refused.value.params == {"currency": "JPY"}
    with db.get_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM orders WHERE client_reference = :k"), {"k": key}).scalar() == 0
    again = await orders.load_checkout(customer, plan_slug=offer.slug, currency="JPY")
    assert again is not None and again.price_cents > view.price_cents
    paid = await orders.pay_checkout(customer, key=key, plan_slug=offer.slug, card_token=card_token(stripe_sandbox),
                                     currency="JPY", shown_price_cents=again.price_cents,
                                     shown_usd_cents=again.offer.price_cents)
    assert paid.paid and order_row(_order_id(paid.order_ref)).fx_rate == Decimal(160)


async def test_a_currency_not_sold_is_refused(sandbox, customer) -> None:
    offer = best_offer("airalo", with_alternatives=False)
    with pytest.raises(currencies.UnknownCurrency):
        await orders.load_checkout(customer, plan_slug=offer.slug, currency="JPY")  # not enabled by staff


async def test_a_refund_goes_back_in_yen_and_the_dashboard_counts_usd_at_the_orders_rate(
        stripe_sandbox, webhooks, sandbox, customer, yen) -> None:
    # given an order paid in yen
    view, order_id = await _buy_in_yen(customer, stripe_sandbox)
    row = order_row(order_id)
    owner = staff("owner")
    # when staff refund half of it (in the order's currency, as the order page shows it)
    half = view.price_cents // 2
    done = await admin.refund_order(owner, order_ref=row.display_id, amount_cents=half, note="half, as agreed",
                                    key=admin.new_action_key())
    # then Stripe refunded that many yen
    refund = stripe_client().v1.refunds.retrieve(done.values["refund_id"])
    assert (refund.amount, refund.currency) == (half, "jpy")
    # and today's figures are in USD: each order and refund converted at its own order's rate, as plain SQL says
    board = await admin.load_dashboard(staff("finance"), period="today")
    assert board.money is not None and board.currency == "USD"
    with db.get_engine().connect() as conn:
        start = dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(), dt.UTC)
        revenue, refunded = conn.execute(sa.text("""
            SELECT (SELECT sum(round(price_cents / power(10, CASE currency WHEN 'JPY' THEN 0 ELSE 2 END)
                                     / fx_rate * 100))
                    FROM orders WHERE status NOT IN ('pending', 'cancelled') AND created_at >= :t0),
                   (SELECT COALESCE(sum(round(r.amount_cents * o.base_price_cents::numeric / o.price_cents)), 0)
                    FROM payment_refunds r JOIN orders o ON o.id = r.order_id WHERE r.created_at >= :t0)"""),
            {"t0": start}).one()
    assert board.money.current.revenue_cents == int(revenue)
    assert board.money.current.refunds_cents == int(refunded)
    assert int(refunded) >= round(Decimal(half) / Decimal(YEN_PER_USD) * 100)  # the yen refund counted in USD


async def test_a_tab_that_switches_currency_after_a_declined_card_is_never_charged_the_old_amount(
        stripe_sandbox, webhooks, sandbox, customer, yen) -> None:
    # given a declined card left this tab's order pending in yen
    offer, key = best_offer("airalo", with_alternatives=False), uuid.uuid4().hex
    in_yen = await orders.load_checkout(customer, plan_slug=offer.slug, currency="JPY")
    with pytest.raises(PaymentDeclined):
        await orders.pay_checkout(customer, key=key, plan_slug=offer.slug, card_token=card_token(stripe_sandbox, CARD_DECLINED),
                                  currency="JPY", shown_price_cents=in_yen.price_cents)
    # when the same key pays the euro price the page now shows
    in_eur = await orders.load_checkout(customer, plan_slug=offer.slug, currency="EUR")
    with pytest.raises(orders.PriceChanged):
        await orders.pay_checkout(customer, key=key, plan_slug=offer.slug, card_token=card_token(stripe_sandbox),
                                  currency="EUR", shown_price_cents=in_eur.price_cents)
    # then the yen order was not charged
    with db.get_engine().connect() as conn:
        status = conn.execute(sa.text("SELECT status FROM orders WHERE client_reference = :k"), {"k": key}).scalar_one()
    assert status == OrderStatus.PENDING


async def test_top_ups_are_listed_in_the_chosen_currency_at_the_price_checkout_charges(
        yen, completed_order, customer: int, registry, monkeypatch) -> None:
    # given a customer's eSIM with top-ups on offer (from the sandbox providers), and JPY on sale
    monkeypatch.setattr(topups, "get_registry", lambda: registry)
    order_id = await completed_order("esim_access")
    with db.get_engine().connect() as conn:
        esim_ref = conn.execute(sa.text("SELECT display_id FROM esims WHERE order_id = :id"),
                                {"id": order_id}).scalar_one()
    # when they list the top-ups in yen
    listed = await orders.list_priced_topup_offers(customer, esim_ref=esim_ref, currency="JPY")
    # then every price is in yen, converted as the catalogue converts, and checkout charges exactly it
    assert listed and {p.currency for p in listed} == {"JPY"}
    first = listed[0]
    assert first.price_minor == currencies.price_in(first.offer.price_cents, "JPY") != first.offer.price_cents
    checkout = await orders.load_checkout(customer, plan_slug=first.offer.slug, topup_esim_ref=esim_ref,
                                          currency="JPY")
    assert (checkout.price_cents, checkout.currency) == (first.price_minor, "JPY")
