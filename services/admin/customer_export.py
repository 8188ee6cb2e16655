"""A GDPR-style export of one customer: every row we hold about them, as one JSON document.

Profile, orders (with refunds and refund requests), eSIMs (without the activation secrets, which
staff never handle; the customer's own account page shows them), support tickets with every
message, sign-in sessions, emails sent to them (subject and status) and the audit rows about them.
The export itself is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import SQLModel, col, select

from services.accounts.sessions import Identity
from services.admin import access
from services.admin.customers import _user
from services.core import db
from services.core.models import (
    AuditLog,
    AuthSession,
    EmailOutbox,
    Esim,
    Order,
    PaymentRefund,
    RefundRequest,
    SupportMessage,
    SupportTicket,
)

SECRET_FIELDS = {"lpa", "matching_id", "raw", "token_hash", "password_hash", "html_body", "text_body", "attachments"}


def _plain(row: SQLModel, *, drop: set[str] = SECRET_FIELDS) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v
            for k, v in row.model_dump().items() if k not in drop}


def customer_export(identity: Identity, user_ref: str) -> dict[str, Any]:
    """Everything about the customer `user_ref`, JSON-ready; audited as `customer.exported`."""
    with db.session() as s, s.begin():
        user = _user(s, user_ref)
        uid = user.id
        orders = s.exec(select(Order).where(Order.user_id == uid).order_by(col(Order.id))).all()
        order_ids = [o.id for o in orders]
        tickets = s.exec(select(SupportTicket).where(SupportTicket.user_id == uid).order_by(col(SupportTicket.id))).all()
        messages = s.exec(select(SupportMessage).where(col(SupportMessage.ticket_id).in_([t.id for t in tickets]))
                          .order_by(col(SupportMessage.id))).all()
        document = {
            "exported_at": dt.datetime.now(dt.UTC).isoformat(),
            "customer": _plain(user),
            "orders": [_plain(o) for o in orders],
            "payment_refunds": [_plain(r) for r in s.exec(select(PaymentRefund).where(
                col(PaymentRefund.order_id).in_(order_ids))).all()],
            "refund_requests": [_plain(r) for r in s.exec(select(RefundRequest).where(
                col(RefundRequest.order_id).in_(order_ids))).all()],
            "esims": [_plain(e) for e in s.exec(select(Esim).where(Esim.user_id == uid).order_by(col(Esim.id))).all()],
            "support_tickets": [_plain(t) for t in tickets],
            "support_messages": [_plain(m) for m in messages],
            "sessions": [_plain(a) for a in s.exec(select(AuthSession).where(AuthSession.user_id == uid)).all()],
            "emails": [_plain(e) for e in s.exec(select(EmailOutbox).where(EmailOutbox.to_address == user.email)
                                                 .order_by(col(EmailOutbox.id))).all()],
            "audit": [_plain(a) for a in s.exec(select(AuditLog).where(
                ((AuditLog.actor_type == "customer") & (AuditLog.actor_id == uid))
                | ((AuditLog.entity_type == "user") & (AuditLog.entity_id == user.display_id))
            ).order_by(col(AuditLog.id))).all()],
        }
        access.record(s, identity.principal_id, "customer.exported", entity="user", entity_id=user.display_id or "",
                     before={}, after={"orders": len(orders), "tickets": len(tickets)})
    return document
