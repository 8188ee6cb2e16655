"""Everything that happened to one order, oldest first: the timeline of the staff order page.

Each source reads one record of the order's life and turns its rows into `TimelineEvent`s: the
order itself, card charges, Stripe webhook events, the audit log (payment, provider outcomes,
refund steps, staff actions with before/after), the provider calls made for it (each attempt at
each provider, failovers and status checks, with latency, HTTP status and error), the emails sent
about it, refunds and the refund request. Another record joins by `register_source`: a function of
(session, `OrderKey`) returning events. No source shows an eSIM's activation secret or an email's body.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from services.core.models import (
    Admin,
    AuditLog,
    CardChargeAttempt,
    EmailOutbox,
    PaymentRefund,
    ProviderCall,
    RefundRequest,
    StripeEvent,
)
from providers.specs import SPECS, provider_name
from services.core.money import format_money

MAX_EVENTS_PER_SOURCE = 200
MAX_DETAIL = 300
_HIDDEN = {"lpa", "matching_id", "activation_code", "password", "token", "secret"}


@dataclass(frozen=True, slots=True)
class OrderKey:
    """What a source needs to find an order's rows."""

    id: int
    ref: str
    created_at: dt.datetime
    currency: str
    customer_email: str  # "" for an order without a customer
    client_reference: str = ""  # ordering sends `<client_reference>-<provider id>` to each provider
    provider_order_id: str = ""  # the accepted provider order (status checks, cancellation)


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: dt.datetime
    kind: str  # order, payment, webhook, provider, email, refund, staff, system
    title: str
    detail: str = ""
    actor: str = ""  # who: "system", "customer", a staff member's name


Source = Callable[[Session, OrderKey], Iterable[TimelineEvent]]
_SOURCES: list[Source] = []


def register_source(source: Source) -> Source:
    """Add a record to every order's timeline (usable as a decorator); its events are merged by time."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def _short(details: dict[str, Any]) -> str:
    shown = {k: v for k, v in details.items() if k.lower() not in _HIDDEN}
    text = json.dumps(shown, default=str, separators=(", ", ": "))[1:-1] if shown else ""
    return text[:MAX_DETAIL]


@register_source
def _created(s: Session, order: OrderKey) -> Iterable[TimelineEvent]:
    yield TimelineEvent(order.created_at, "order", "Order created", actor="customer" if order.customer_email else "")


@register_source
def _card_charges(s: Session, order: OrderKey) -> Iterable[TimelineEvent]:
    rows = s.exec(select(CardChargeAttempt).where(CardChargeAttempt.order_id == order.id)
                  .order_by(col(CardChargeAttempt.id)).limit(MAX_EVENTS_PER_SOURCE)).all()
    for r in rows:
        yield TimelineEvent(r.created_at, "payment", f"Card charge {r.outcome}", r.reason or "",  # type: ignore[arg-type]
                            "customer")


@register_source
def _stripe_events(s: Session, order: OrderKey) -> Iterable[TimelineEvent]:
    rows = s.exec(select(StripeEvent).where(StripeEvent.order_id == order.id)
                  .order_by(col(StripeEvent.received_at)).limit(MAX_EVENTS_PER_SOURCE)).all()
    for r in rows:
        detail = f"{r.event_id}; outcome {r.outcome or 'pending'}"
        yield TimelineEvent(r.received_at, "webhook", f"Stripe webhook {r.type}", detail, "Stripe")  # type: ignore[arg-type]


def _audit_kind(row: AuditLog) -> str:
    if row.actor_type == "admin":
        return "staff"
    if row.action.startswith("refund.") or row.action in ("order.refunded", "order.partially_refunded"):
        return "refund"
    if row.action in ("order.completed", "order.failed"):
        return "provider"
    return "payment" if row.action == "order.paid" else "system"


_TITLES = {
    "order.paid": "Payment succeeded", "order.completed": "eSIM delivered by the provider",
    "order.failed": "Provider attempt failed", "order.refunded": "Refunded in full",
    "order.partially_refunded": "Partly refunded", "order.staff_refund": "Refund by staff",
    "order.retry": "Retry by staff", "order.failover": "Failover by staff",
    "order.email_resent": "eSIM email sent again", "order.provider_cancelled": "Cancelled at the provider",
}


@register_source
def _audit_rows(s: Session, order: OrderKey) -> Iterable[TimelineEvent]:
    rows = s.exec(select(AuditLog, Admin.name, Admin.email).outerjoin(
        Admin, (col(Admin.id) == AuditLog.actor_id) & (col(AuditLog.actor_type) == "admin"))
        .where(AuditLog.entity_type == "order", AuditLog.entity_id == order.ref)
        .order_by(col(AuditLog.id)).limit(MAX_EVENTS_PER_SOURCE)).all()
    for row, name, email in rows:
        actor = (name or email or f"staff #{row.actor_id}") if row.actor_type == "admin" else row.actor_type
        title = _TITLES.get(row.action, row.action.replace("_", " ").replace(".", ": ", 1).capitalize())
        yield TimelineEvent(row.created_at, _audit_kind(row), title, _short(row.details), actor)  # type: ignore[arg-type]


def _provider_subjects(order: OrderKey) -> tuple[str, ...]:
    """What the order's provider calls name (`provider_calls.subject`): our reference at each provider
    (orders, top-ups, look-ups after a timeout) and the accepted order's id. Calls by ICCID (usage
    syncs) are the eSIM's life, not the order's."""
    ours = [f"{order.client_reference}-{spec.id}"[:64] for spec in SPECS] if order.client_reference else []
    return tuple(ours + ([order.provider_order_id] if order.provider_order_id else []))


@register_source
def _provider_calls(s: Session, order: OrderKey) -> Iterable[TimelineEvent]:
    subjects = _provider_subjects(order)
    if not subjects:
        return
    rows = s.exec(select(ProviderCall).where(col(ProviderCall.subject).in_(subjects))
                  .where(col(ProviderCall.started_at) >= order.created_at - dt.timedelta(minutes=5))
                  .order_by(col(ProviderCall.started_at)).limit(MAX_EVENTS_PER_SOURCE)).all()
    for call in rows:
        parts = ([f"HTTP {call.http_status}"] if call.http_status else []) + (
            [f"error {call.error_code}"] if call.error_code else []) + (
            [f"{call.rate_limit_hits} rate-limited answers"] if call.rate_limit_hits else [])
        name = provider_name(call.provider_id)
        title = f"{name}: {call.operation.replace('_', ' ')} {call.outcome.replace('_', ' ')} in {call.latency_ms} ms"
        yield TimelineEvent(call.started_at, "provider", title, "; ".join(parts), name)


@register_source
def _emails(s: Session, order: OrderKey) -> Iterable[TimelineEvent]:
    if not order.customer_email:
        return
    rows = s.exec(select(EmailOutbox.created_at, EmailOutbox.subject, EmailOutbox.template, EmailOutbox.status,
                         EmailOutbox.sent_at)
                  .where(EmailOutbox.to_address == order.customer_email)
                  .where(col(EmailOutbox.created_at) >= order.created_at)
                  .where(col(EmailOutbox.subject).contains(order.ref) | col(EmailOutbox.text_body).contains(order.ref))
                  .order_by(col(EmailOutbox.id)).limit(MAX_EVENTS_PER_SOURCE)).all()
    for created, subject, template, status, sent_at in rows:
        detail = f"{template}; {status}" + (f" at {sent_at:%d %b %H:%M UTC}" if sent_at else "")
        yield TimelineEvent(created, "email", f"Email: {subject}", detail, "system")


@register_source
def _refunds(s: Session, order: OrderKey) -> Iterable[TimelineEvent]:
    rows = s.exec(select(PaymentRefund).where(PaymentRefund.order_id == order.id)
                  .order_by(col(PaymentRefund.created_at))).all()
    for r in rows:
        yield TimelineEvent(r.created_at, "refund", f"Refund of {format_money(r.amount_cents, order.currency)}",  # type: ignore[arg-type]
                            r.refund_id, "Stripe")
    request = s.exec(select(RefundRequest).where(RefundRequest.order_id == order.id)).first()
    if request is not None:
        yield TimelineEvent(request.created_at, "refund", f"Refund requested by {request.requested_by}",  # type: ignore[arg-type]
                            request.reason[:MAX_DETAIL], request.requested_by)
        if request.decided_at is not None:
            yield TimelineEvent(request.decided_at, "refund", f"Refund request {request.status}", actor="staff")


def order_timeline(s: Session, order: OrderKey) -> list[TimelineEvent]:
    """Every registered source's events for the order, oldest first (ties keep the sources' order)."""
    events = [event for source in _SOURCES for event in source(s, order)]
    return sorted(events, key=lambda e: e.at)
