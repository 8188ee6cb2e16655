"""At most CARD_DECLINES_PER_DAY declined cards per customer in 24 hours, counted in the database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from services import orders
from services.core import db
from services.core.settings import get_settings
from services.payments.errors import PaymentDeclined, TooManyDeclines
from tests.support.orders import best_offer, new_customer
from tests.support.payments import CARD_DECLINED, CARD_OK, card_token


@pytest.fixture
def two_declines_a_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CARD_DECLINES_PER_DAY", "2")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("CARD_DECLINES_PER_DAY")
    get_settings.cache_clear()


def _declines(user_id: int) -> list[str]:
    with db.get_engine().connect() as conn:
        return list(conn.execute(sa.text("SELECT outcome FROM card_attempts WHERE user_id = :id ORDER BY id"),
                                 {"id": user_id}).scalars())


async def test_declines_are_capped_per_customer_with_a_time_to_try_again(
        stripe_sandbox, webhooks, sandbox, customer, two_declines_a_day) -> None:
    offer = best_offer("esim_go", with_alternatives=False)
    slug = offer.slug
    # given two declined cards today, in two different tabs (checkout keys)
    for _ in range(2):
        with pytest.raises(PaymentDeclined):
            await orders.pay_checkout(customer, key=uuid.uuid4().hex, plan_slug=slug, shown_price_cents=offer.price_cents,
                                      card_token=card_token(stripe_sandbox, CARD_DECLINED))
    assert _declines(customer) == ["declined", "declined"]
    # when a third card is tried, even a good one in a new tab
    with pytest.raises(TooManyDeclines) as capped:
        await orders.pay_checkout(customer, key=uuid.uuid4().hex, plan_slug=slug, shown_price_cents=offer.price_cents,
                                  card_token=card_token(stripe_sandbox, CARD_OK))
    # then it is refused before Stripe is asked, saying when to try again
    assert capped.value.code == "payment_declines_capped" and capped.value.params["retry_at"].endswith("UTC")
    assert _declines(customer) == ["declined", "declined"]
    # and another customer is not affected
    other = await orders.pay_checkout(new_customer(), key=uuid.uuid4().hex, plan_slug=slug, shown_price_cents=offer.price_cents,
                                      card_token=card_token(stripe_sandbox, CARD_OK))
    assert other.paid


async def test_declines_older_than_a_day_no_longer_count(stripe_sandbox, webhooks, sandbox, customer,
                                                         two_declines_a_day) -> None:
    offer = best_offer("airalo", with_alternatives=False)
    slug = offer.slug
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("INSERT INTO card_attempts (user_id, outcome, reason, created_at) "
                             "SELECT :id, 'declined', 'payment_declined', now() - interval '25 hours' "
                             "FROM generate_series(1, 5)"), {"id": customer})
    paid = await orders.pay_checkout(customer, key=uuid.uuid4().hex, plan_slug=slug, shown_price_cents=offer.price_cents,
                                     card_token=card_token(stripe_sandbox, CARD_OK))
    assert paid.paid and _declines(customer) == ["declined"] * 5  # a successful attempt leaves no row

