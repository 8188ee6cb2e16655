"""Helpers for the payment tests: paying like Stripe.js, reading what the database holds."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.core import db
from services.core.models import AuditLog, Order, StripeEvent
from services.sandbox import localstripe as localstripe_server

SECRET_KEY = "sk_test_payments"
PUBLISHABLE_KEY = "pk_test_payments"
WEBHOOK_SECRET = "whsec_payments_test"
PRICE_CENTS = 1299
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_3DS = "4000002500003155"


def pay(base_url: str, client_secret: str, card: str, **kwargs: Any) -> dict[str, Any]:
    return localstripe_server.confirm_card(base_url, client_secret=client_secret, card_number=card,
                                           secret_key=SECRET_KEY, publishable_key=PUBLISHABLE_KEY, **kwargs)


def order_row(order_id: int) -> Order:
    with db.session() as s:
        return s.get(Order, order_id)  # type: ignore[return-value]


def audit_actions(order_id: int) -> list[str]:
    ref = order_row(order_id).display_id
    with db.session() as s:
        return list(s.exec(select(AuditLog.action).where(AuditLog.entity_type == "order",
                                                         AuditLog.entity_id == ref)).all())


def stripe_events(order_id: int) -> list[StripeEvent]:
    with db.session() as s:
        return list(s.exec(select(StripeEvent).where(StripeEvent.order_id == order_id)).all())
