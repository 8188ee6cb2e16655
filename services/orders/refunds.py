"""Refunds: cancel the eSIM with its provider, then refund the card through Stripe.

A customer may ask for one within the operator's window (`refund_window_days`) when the order is a
completed eSIM order whose eSIM was never installed. Our records only pre-check that: immediately
before refunding, the provider is asked for the live status and usage and to cancel
(`refund_cancel`); the card is refunded automatically only when it confirms the cancel, otherwise
the request waits for staff (`review`, decided in `refund_review`). An administrator may refund any
paid order. One `refund_requests` row per order says how far the refund got (requested →
provider_done → completed; or review → completed / rejected; failed) and every step writes an audit row. A per-order advisory lock lets one
refund run at a time, so a repeated or concurrent request resumes or returns the first one's
result and never cancels or refunds twice. Provider and Stripe calls run outside transactions.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from providers import base as pb
from providers.registry import ProviderRegistry
from services.core import DEFAULT_LANGUAGE, db
from services.core.models import (
    AuditLog,
    Esim,
    EsimStatus,
    Order,
    OrderKind,
    OrderStatus,
    Package,
    RefundRequest,
    RefundStatus,
    User,
)
from services.core.localize import date_text, money_text, package_title
from services.core.provider_runtime import get_registry
from services.core.settings import get_settings
from services.notifications import enqueue_email
from services.orders import refund_authority, refund_cancel, refund_ledger
from services.orders.errors import (
    AlreadyRefunded,
    CardRefundFailed,
    EsimAlreadyUsed,
    NoCardPayment,
    OperatorRefusedCancel,
    OperatorUnavailable,
    OrderNotCompleted,
    OrderNotFound,
    RefundNotAllowed,
    RefundReasonMissing,
    RefundReasonTooLong,
    RefundWindowPassed,
    TopupNotRefundable,
)
from services.payments import refunds as card_refunds
from services.payments.errors import PaymentError
from services.store.settings import get_store_settings

MAX_REASON = 500
ADMIN_REFUNDABLE = (OrderStatus.PAID, OrderStatus.PROVISIONING, OrderStatus.COMPLETED, OrderStatus.FAILED)
_SETTLED = (RefundStatus.COMPLETED, RefundStatus.REVIEW, RefundStatus.REJECTED)  # nothing left to do automatically
_ADMIN_RESTARTS = (RefundStatus.FAILED, RefundStatus.REVIEW, RefundStatus.REJECTED)


@dataclass(frozen=True, slots=True)
class RefundView:
    order_ref: str
    status: str  # a RefundStatus: "review" when staff must decide, nothing refunded yet
    provider_outcome: str  # cancelled, skipped, or why staff review it (refund_cancel); "" before that step
    refund_id: str
    amount_cents: int
    currency: str
    changed: bool  # False when an earlier request had already done everything


@dataclass(frozen=True, slots=True)
class Eligibility:
    order_ref: str
    eligible: bool
    refusal: RefundNotAllowed | None  # why not (its code is worded by the UI); None when eligible
    refunded: bool  # a refund went through already
    request_status: str  # the order's refund request ("review", "rejected", ...), "" when none
    deadline: str  # last day a refund can be asked for, e.g. "26 Dec 2026"


@dataclass(frozen=True, slots=True)
class _Order:
    id: int
    ref: str
    user_id: int | None
    kind: str
    status: str
    created_at: dt.datetime
    price_cents: int
    currency: str
    provider_id: str | None
    provider_order_id: str | None
    payment_intent_id: str | None
    esims: tuple[tuple[str, int], ...]  # (status, used_mb) of each eSIM
    iccids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Step:
    order: _Order
    request_id: int
    status: RefundStatus
    reason: str
    provider_outcome: str
    actor_type: str
    actor_id: int | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _load(s: Session, order_ref: str, *, owner: int | None, lock: bool = False) -> _Order:
    query = select(Order).where(Order.display_id == (order_ref or "").strip().upper())
    if owner is not None:
        query = query.where(Order.user_id == owner)
    order = s.exec(query.with_for_update() if lock else query).first()
    if order is None:
        raise OrderNotFound(f"no order {order_ref} for owner {owner}")
    rows = s.exec(select(Esim.status, Esim.used_mb, Esim.iccid).where(Esim.order_id == order.id)
                  .order_by(Esim.id)).all()
    return _Order(order.id, order.display_id, order.user_id, order.kind, order.status, order.created_at,  # type: ignore[arg-type]
                  order.price_cents, order.currency, order.provider_id, order.provider_order_id,
                  order.stripe_payment_intent_id, tuple((r[0], r[1]) for r in rows), tuple(r[2] for r in rows))


def _order_id(order_ref: str, *, owner: int | None) -> int:
    with db.session() as s:
        return _load(s, order_ref, owner=owner).id


def _deadline(order: _Order, window_days: int) -> dt.datetime:
    return order.created_at + dt.timedelta(days=window_days)


def _customer_refusal(order: _Order, *, window_days: int, now: dt.datetime) -> RefundNotAllowed | None:
    """Why the customer cannot have this order refunded, or None when they can."""
    if order.kind != OrderKind.ESIM:
        return TopupNotRefundable(f"order {order.ref} is a top-up")
    if order.status == OrderStatus.REFUNDED:
        return AlreadyRefunded(f"order {order.ref} is refunded")
    if order.status != OrderStatus.COMPLETED or not order.esims:
        return OrderNotCompleted(f"order {order.ref} is {order.status}")
    if any(status != EsimStatus.NOT_INSTALLED or used_mb for status, used_mb in order.esims):
        return EsimAlreadyUsed(f"an eSIM of order {order.ref} was installed or used")
    if now > _deadline(order, window_days):
        return RefundWindowPassed(f"order {order.ref} is older than {window_days} days", days=window_days)
    if not order.payment_intent_id:
        return NoCardPayment(f"order {order.ref} has no card payment")
    return None


def _admin_refusal(order: _Order) -> RefundNotAllowed | None:
    if order.status == OrderStatus.REFUNDED:
        return AlreadyRefunded(f"order {order.ref} is refunded")
    if order.status not in ADMIN_REFUNDABLE or not order.payment_intent_id:
        return NoCardPayment(f"order {order.ref} is {order.status}, not paid by card")
    return None


def refund_eligibility(user_id: int, *, order_ref: str, lang: str = DEFAULT_LANGUAGE) -> Eligibility:
    """Whether the customer may ask for a refund of this order now (for the order page); dates in `lang`."""
    window = get_store_settings().refund_window_days
    with db.session() as s:
        order = _load(s, order_ref, owner=user_id)
        request = s.exec(select(RefundRequest.status).where(RefundRequest.order_id == order.id)).first()
    refusal = _customer_refusal(order, window_days=window, now=_now())
    status = request if request is not None and request != RefundStatus.FAILED else ""
    done = status == RefundStatus.COMPLETED or order.status == OrderStatus.REFUNDED
    return Eligibility(order.ref, refusal is None and not status, refusal, done, status,
                       date_text(lang, _deadline(order, window)))


def _reason(text: str) -> str:
    reason = " ".join((text or "").split())
    if not reason:
        raise RefundReasonMissing("no refund reason given")
    if len(reason) > MAX_REASON:
        raise RefundReasonTooLong(f"refund reason of {len(reason)} characters", max_chars=MAX_REASON)
    return reason


def _audit(s: Session, step: _Step, action: str, **details: Any) -> None:
    s.add(AuditLog(actor_type=step.actor_type, actor_id=step.actor_id, action=f"refund.{action}",
                   entity_type="order", entity_id=step.order.ref, details=details))


def _view(step: _Step, request: RefundRequest, *, changed: bool) -> RefundView:
    return RefundView(step.order.ref, request.status, request.provider_outcome or "", request.stripe_refund_id or "",
                      request.amount_cents or 0, step.order.currency, changed)


# --- the steps -------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _order_lock(order_id: int) -> AsyncIterator[None]:
    """A session-level advisory lock on its own connection, held across the network steps."""
    key = {"key": f"refund:{order_id}"}

    def acquire() -> sa.Connection:
        conn = db.get_engine().connect()
        try:
            conn.execute(sa.text("SELECT pg_advisory_lock(hashtextextended(:key, 0))"), key)
            conn.commit()  # the lock outlives the transaction; the connection must not sit in one
        except BaseException:
            conn.invalidate()
            conn.close()
            raise
        return conn

    def release(conn: sa.Connection) -> None:
        try:
            conn.execute(sa.text("SELECT pg_advisory_unlock(hashtextextended(:key, 0))"), key)
            conn.commit()
        except BaseException:
            conn.invalidate()  # never hand a connection that may hold the lock back to the pool
            raise
        finally:
            conn.close()

    conn = await asyncio.to_thread(acquire)
    try:
        yield
    finally:
        await asyncio.to_thread(release, conn)


def _begin(order_ref: str, *, owner: int | None, actor_type: str, actor_id: int | None,
           reason: str) -> tuple[_Step, RefundView | None]:
    """Record the request, or pick up the order's earlier one; the view is set when nothing is left to do."""
    with db.session() as s, s.begin():
        order = _load(s, order_ref, owner=owner, lock=True)
        request = s.exec(select(RefundRequest).where(RefundRequest.order_id == order.id)).first()
        restart = (RefundStatus.FAILED,) if owner is not None else _ADMIN_RESTARTS  # an admin's refund decides
        if request is not None and request.status not in restart:
            step = _Step(order, request.id, RefundStatus(request.status), request.reason,  # type: ignore[arg-type]
                         request.provider_outcome or "", request.requested_by, request.actor_id)
            return step, _view(step, request, changed=False) if request.status in _SETTLED else None
        if owner is not None:
            refusal = _customer_refusal(order, window_days=get_store_settings().refund_window_days, now=_now())
        else:
            refusal = _admin_refusal(order)
        if refusal is not None:
            raise refusal
        if request is None:
            request = RefundRequest(order_id=order.id, requested_by=actor_type, actor_id=actor_id, reason=reason)
            s.add(request)
        request.status, request.reason, request.error = RefundStatus.REQUESTED, reason, None
        request.requested_by, request.actor_id, request.provider_outcome = actor_type, actor_id, None
        s.flush()
        step = _Step(order, request.id, RefundStatus.REQUESTED, reason, "", actor_type, actor_id)  # type: ignore[arg-type]
        _audit(s, step, "requested", reason=reason)
    return step, None


def _record(step: _Step, *, action: str, details: dict[str, Any] | None = None, **values: Any) -> None:
    with db.session() as s, s.begin():
        s.execute(sa.update(RefundRequest).where(RefundRequest.id == step.request_id)
                  .values(updated_at=sa.func.now(), **values))
        _audit(s, step, action, **(details or {}))


async def _cancel_at_provider(step: _Step, registry: ProviderRegistry, *, skip: bool) -> str:
    """Cancel the provider order where the provider can; returns the outcome recorded."""
    order = step.order
    if skip or not order.provider_id or not order.provider_order_id:
        outcome = "skipped"
    elif order.provider_id not in registry or not registry.get(order.provider_id).capabilities.cancel:
        outcome = "unsupported"
    else:
        try:
            await registry.get(order.provider_id).cancel_order(order.provider_order_id)
        except pb.ProviderError as exc:
            await asyncio.to_thread(_record, step, action="provider_cancel_failed",
                                    details={"provider": order.provider_id, "error": str(exc)[:300]},
                                    status=RefundStatus.FAILED, error=str(exc)[:500])
            if exc.retryable or isinstance(exc, pb.OutcomeUnknown):
                raise OperatorUnavailable(f"order {order.ref}: cancel unanswered") from None
            raise OperatorRefusedCancel(f"order {order.ref}: cancel refused") from None
        outcome = "cancelled"
    action = {"cancelled": "provider_cancelled", "unsupported": "provider_cancel_unsupported",
              "skipped": "provider_cancel_skipped"}[outcome]
    await asyncio.to_thread(_record, step, action=action, details={"provider": order.provider_id},
                            status=RefundStatus.PROVIDER_DONE, provider_outcome=outcome)
    return outcome


async def _confirm_with_provider(step: _Step, registry: ProviderRegistry) -> RefundView | None:
    """The customer's path: live status, usage and cancel at the provider; a review view unless it confirmed."""
    order = step.order
    verdict = await refund_cancel.confirm_cancel(
        refund_cancel.CancelTarget(order.ref, order.provider_id, order.provider_order_id, order.iccids), registry)
    if verdict.confirmed:
        await asyncio.to_thread(_record, step, action="provider_cancelled", details=verdict.details,
                                status=RefundStatus.PROVIDER_DONE, provider_outcome=verdict.outcome)
        return None
    await asyncio.to_thread(_record, step, action="review", details={"why": verdict.outcome, **verdict.details},
                            status=RefundStatus.REVIEW, provider_outcome=verdict.outcome)
    return RefundView(order.ref, RefundStatus.REVIEW, verdict.outcome, "", 0, order.currency, True)


def _finish(step: _Step, refund_id: str) -> RefundView:
    """Close the request, cancel the eSIMs and email the customer, in one transaction."""
    order = step.order
    with db.session() as s, s.begin():
        request = s.get(RefundRequest, step.request_id, with_for_update=True)
        request.status, request.stripe_refund_id = RefundStatus.COMPLETED, refund_id  # type: ignore[union-attr]
        request.amount_cents, request.completed_at, request.error = order.price_cents, sa.func.now(), None  # type: ignore[union-attr]
        s.execute(sa.update(Esim).where(Esim.order_id == order.id).values(status=EsimStatus.CANCELLED))
        _audit(s, step, "stripe_refunded", refund=refund_id, amount_cents=order.price_cents)
        if order.user_id is not None:
            _queue_email(s, order)
        s.flush()
        return _view(step, request, changed=True)  # type: ignore[arg-type]


def _queue_email(s: Session, order: _Order) -> None:
    user, package = s.exec(select(User, Package).join(Order, Order.user_id == User.id)
                           .join(Package, Package.id == Order.package_id).where(Order.id == order.id)).one()
    public_url, lang = get_settings().public_url.rstrip("/"), user.language
    enqueue_email(s, to=user.email, template="order_refunded", language=lang,
                  context={"order_ref": order.ref, "plan_name": package_title(package, lang),
                           "amount": money_text(lang, order.price_cents, order.currency),
                           "orders_url": f"{public_url}/account/orders"})


async def _refund_at_stripe(step: _Step) -> RefundView:
    try:
        refund_id = await asyncio.to_thread(card_refunds.refund_payment, step.order.id, reason=step.reason)
    except PaymentError as exc:
        await asyncio.to_thread(_record, step, action="stripe_failed", details={"error": str(exc)[:300]},
                                error=str(exc)[:500])
        raise CardRefundFailed(f"order {step.order.ref}: card refund failed") from None
    await asyncio.to_thread(refund_ledger.mark_refunded, step.order.id, refund_id=refund_id,
                            amount_cents=step.order.price_cents)
    return await asyncio.to_thread(_finish, step, refund_id)


async def _run(order_ref: str, *, owner: int | None, actor_type: str, actor_id: int | None, reason: str,
               skip_provider_cancel: bool, registry: ProviderRegistry | None) -> RefundView:
    registry = get_registry() if registry is None else registry  # the process's, built in its loop
    async with _order_lock(await asyncio.to_thread(_order_id, order_ref, owner=owner)):
        step, done = await asyncio.to_thread(_begin, order_ref, owner=owner, actor_type=actor_type,
                                             actor_id=actor_id, reason=reason)
        if done is not None:
            return done
        if step.status == RefundStatus.REQUESTED and owner is not None:
            review = await _confirm_with_provider(step, registry)
            if review is not None:
                return review
        elif step.status == RefundStatus.REQUESTED:
            await _cancel_at_provider(step, registry, skip=skip_provider_cancel)
        return await _refund_at_stripe(step)


# --- entry points ----------------------------------------------------------------------------


async def request_refund(user_id: int, *, order_ref: str, reason: str,
                         registry: ProviderRegistry | None = None) -> RefundView:
    """The customer's refund of a never-installed eSIM within the window; repeating it returns the first result.

    The card is refunded only when the provider confirms the cancel; otherwise the view's status is
    `review` (staff decide) and nothing is refunded.
    """
    return await _run(order_ref, owner=user_id, actor_type="customer", actor_id=user_id, reason=_reason(reason),
                      skip_provider_cancel=False, registry=registry)


async def refund_order_as_admin(admin_id: int, *, order_ref: str, reason: str, skip_provider_cancel: bool = False,
                                registry: ProviderRegistry | None = None) -> RefundView:
    """An administrator's refund of any paid order, without the window or install checks.

    `skip_provider_cancel=True` refunds without asking the provider (e.g. after it refused because
    the eSIM was installed, when the operator decides to refund anyway).
    """
    await asyncio.to_thread(refund_authority.authorise_staff_refund, admin_id, order_ref=order_ref)
    return await _run(order_ref, owner=None, actor_type="admin", actor_id=admin_id, reason=_reason(reason),
                      skip_provider_cancel=skip_provider_cancel, registry=registry)
