"""Paying a bulk order by card: one Stripe PaymentIntent for the total, the customers' card element.

The browser tokenises the card with Stripe.js (as at checkout); `pay` attaches it to the order's
intent (one per order, idempotency key from the order's reference) and confirms. Paid — here, after
3-D Secure (`confirm`), or by the `payment_intent.succeeded` webhook (`mark_paid_by_intent`),
whichever comes first — moves the order `pending → provisioning` once, under the order's row lock,
and queues its eSIMs. Stripe calls run outside any transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import stripe
from sqlmodel import col, select

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import BulkOrder, BulkOrderStatus, BulkPayment
from services.enterprise import bulk, ledger
from services.enterprise.audit import record
from services.enterprise.errors import BulkOrderNotPayable
from services.enterprise.purchasing import ORDER_ROLES, owned, company_of
from services.payments.errors import GatewayError, PaymentNotCompleted, declined
from services.payments.stripe_payments import gateway, stripe_client


@dataclass(frozen=True, slots=True)
class CardResult:
    order_id: int
    order_ref: str
    paid: bool
    client_secret: str = ""  # when 3-D Secure is needed in the browser
    newly_paid: bool = False  # this call marked it paid: its eSIMs are queued, start provisioning


@dataclass(frozen=True, slots=True)
class _Payable:
    id: int
    ref: str
    total_cents: int
    currency: str
    intent_id: str | None


def _payable(identity: Identity, order_ref: str) -> _Payable:
    company_id = company_of(identity, ORDER_ROLES)
    with db.session() as s:
        order = owned(s, company_id, order_ref)
        if order.status != BulkOrderStatus.PENDING:
            raise BulkOrderNotPayable(f"bulk order {order.display_id} is {order.status} ({order.payment_method})")
        return _Payable(order.id, order.display_id or "", order.total_cents, order.currency,  # type: ignore[arg-type]
                        order.stripe_payment_intent_id)


def _intent_for(order: _Payable) -> Any:
    """The order's intent: the one attached while still usable, else a new one attached to the order."""
    client = stripe_client()
    if order.intent_id:
        with gateway("read the payment"):
            current = client.v1.payment_intents.retrieve(order.intent_id)
        if current.status != "canceled":
            return current
    params = {"amount": order.total_cents, "currency": order.currency.lower(), "payment_method_types": ["card"],
              "metadata": {"bulk_order_ref": order.ref}}
    key = f"bulk-{order.ref}-pi" + (f"-after-{order.intent_id}" if order.intent_id else "")
    with gateway("start the payment"):
        intent = client.v1.payment_intents.create(params, {"idempotency_key": key})
    with db.session() as s, s.begin():
        stored = s.execute(sa.update(BulkOrder).where(
            col(BulkOrder.id) == order.id, col(BulkOrder.status) == BulkOrderStatus.PENDING,
            col(BulkOrder.stripe_payment_intent_id).is_not_distinct_from(order.intent_id),
        ).values(stripe_payment_intent_id=intent.id)).rowcount
    if stored != 1 and intent.id != order.intent_id:
        raise GatewayError(f"bulk order {order.ref}: another payment started at the same time")
    return intent


def pay(identity: Identity, order_ref: str, *, card_token: str, ip: str | None = None) -> CardResult:
    """Charge a card token for the whole order. `PaymentDeclined` leaves it pending for another card."""
    order = _payable(identity, order_ref)
    intent = _intent_for(order)
    if intent.status == "succeeded":
        return _settle(order, intent, identity, ip)
    client = stripe_client()
    with gateway("read the card"):
        method = client.v1.payment_methods.create({"type": "card", "card": {"token": card_token}})
    with gateway("charge the card"):
        try:
            client.v1.payment_intents.update(intent.id, {"payment_method": method.id})
            intent = client.v1.payment_intents.confirm(intent.id)
        except stripe.CardError as exc:
            raise declined(exc.code, getattr(exc.error, "decline_code", None)) from None
    if intent.status == "requires_action":
        return CardResult(order.id, order.ref, paid=False, client_secret=intent.client_secret)
    if intent.status != "succeeded":
        error = getattr(intent, "last_payment_error", None)
        raise declined(getattr(error, "code", None), getattr(error, "decline_code", None))
    return _settle(order, intent, identity, ip)


def confirm(identity: Identity, order_ref: str, *, ip: str | None = None) -> CardResult:
    """After 3-D Secure in the browser: ask Stripe whether the order's intent succeeded."""
    company_id = company_of(identity, ORDER_ROLES)
    with db.session() as s:
        order = owned(s, company_id, order_ref)
        payable = _Payable(order.id, order.display_id or "", order.total_cents, order.currency,  # type: ignore[arg-type]
                           order.stripe_payment_intent_id)
        if order.status != BulkOrderStatus.PENDING:
            return CardResult(order.id, payable.ref, paid=order.status != BulkOrderStatus.CANCELLED)  # type: ignore[arg-type]
    if not payable.intent_id:
        raise PaymentNotCompleted(f"bulk order {payable.ref} has no payment")
    with gateway("read the payment"):
        intent = stripe_client().v1.payment_intents.retrieve(payable.intent_id)
    if intent.status != "succeeded":
        raise PaymentNotCompleted(f"bulk order {payable.ref}: payment is {intent.status}")
    return _settle(payable, intent, identity, ip)


def _settle(order: _Payable, intent: Any, identity: Identity | None, ip: str | None) -> CardResult:
    outcome = mark_paid_by_intent(intent.id, amount_cents=int(intent.amount), currency=str(intent.currency),
                                  actor_id=identity.principal_id if identity else None, ip=ip)
    return CardResult(order.id, order.ref, paid=True, newly_paid=outcome.paid_order_id is not None)


@dataclass(frozen=True, slots=True)
class IntentOutcome:
    found: bool  # a bulk order holds this intent
    paid_order_id: int | None = None  # set when this call moved it to provisioning: start provisioning


def mark_paid_by_intent(intent_id: str, *, amount_cents: int, currency: str, actor_id: int | None = None,
                        ip: str | None = None) -> IntentOutcome:
    """pending → provisioning for the bulk order holding this intent, if it pays the total (else
    `PaymentNotCompleted`). Safe to repeat or to race: only one call reports the change."""
    with db.session() as s, s.begin():
        order = s.exec(select(BulkOrder).where(col(BulkOrder.stripe_payment_intent_id) == intent_id)
                       .with_for_update()).first()
        if order is None or order.status != BulkOrderStatus.PENDING:
            return IntentOutcome(found=order is not None)
        if amount_cents != order.total_cents or currency.upper() != order.currency.upper():
            raise PaymentNotCompleted(f"bulk order {order.display_id}: paid {amount_cents} {currency}")
        bulk.queue_esims(s, order)
        record(s, order.enterprise_account_id, actor_id=actor_id, action="bulk_order_paid_by_card",
               entity_id=order.id, ip=ip, details={"order": order.display_id, "payment_intent": intent_id,  # type: ignore[arg-type]
                                                   "total_cents": order.total_cents})
        return IntentOutcome(found=True, paid_order_id=order.id)



def pay_on_account(identity: Identity, order_ref: str, *, ip: str | None = None) -> CardResult:
    """A pending order (waiting for a card) charged to the account instead, within the credit limit.

    A card payment already started is cancelled first; if it went through meanwhile, the order is
    settled as paid by card instead, so the company never pays twice.
    """
    order = _payable(identity, order_ref)
    if order.intent_id:
        with gateway("read the payment"):
            intent = stripe_client().v1.payment_intents.retrieve(order.intent_id)
        if intent.status == "succeeded":
            return _settle(order, intent, identity, ip)
        if intent.status != "canceled":
            with gateway("cancel the card payment"):
                stripe_client().v1.payment_intents.cancel(order.intent_id)
    with db.session() as s, s.begin():
        company = ledger.lock_company(s, company_of(identity, ORDER_ROLES))
        locked = s.exec(select(BulkOrder).where(col(BulkOrder.id) == order.id).with_for_update()).one()
        if locked.status != BulkOrderStatus.PENDING:
            raise BulkOrderNotPayable(f"bulk order {order.ref} is {locked.status}")
        ledger.charge(s, company, locked.total_cents, bulk_order_id=order.id, user_id=identity.principal_id,
                      note=f"Bulk order {order.ref}")
        locked.payment_method, locked.stripe_payment_intent_id = BulkPayment.ACCOUNT, None
        bulk.queue_esims(s, locked)
        record(s, locked.enterprise_account_id, actor_id=identity.principal_id, action="bulk_order_on_account",
               entity_id=order.id, ip=ip, details={"order": order.ref, "total_cents": locked.total_cents})
    return CardResult(order.id, order.ref, paid=True, newly_paid=True)
