"""Staff review of refund requests the provider did not confirm (the admin dashboard's queue).

A customer's request lands here (status `review`) when the provider could not confirm that the eSIM
was never installed and is now cancelled. Staff see why (`provider_outcome`: in_use, unverified,
unreachable, unsupported, refused) and decide: approving refunds the card through Stripe (staff
cancel with the provider by hand where they must); rejecting closes the request with nothing
refunded. A decision runs under the same per-order lock as refunds, so it happens once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from services.core import db
from services.core.models import Admin, Order, Package, RefundRequest, RefundStatus, User
from services.orders import refund_authority
from services.orders.errors import NotAnAdministrator, RefundNotInReview
from services.orders.refunds import (
    RefundView,
    _audit,
    _load,
    _order_id,
    _order_lock,
    _reason,
    _refund_at_stripe,
    _Step,
    _view,
)

MAX_LISTED = 200


@dataclass(frozen=True, slots=True)
class RefundRequestView:
    order_ref: str
    customer_email: str
    plan_name: str
    amount_cents: int  # the order's price, what approving refunds
    currency: str
    reason: str  # the customer's
    why_review: str  # provider_outcome: in_use, unverified, unreachable, unsupported, refused
    status: str  # a RefundStatus
    requested_at: dt.datetime
    decided_at: dt.datetime | None


def _require_admin(admin_id: int) -> None:
    with db.session() as s:
        admin = s.get(Admin, admin_id)
    if admin is None or not admin.is_active:
        raise NotAnAdministrator(f"admin {admin_id} is unknown or inactive")


def _list(status: str) -> tuple[RefundRequestView, ...]:
    with db.session() as s:
        rows = s.exec(
            select(RefundRequest, Order.display_id, Order.price_cents, Order.currency, User.email, Package.name)
            .join(Order, Order.id == RefundRequest.order_id)
            .join(Package, Package.id == Order.package_id)
            .outerjoin(User, User.id == Order.user_id)
            .where(RefundRequest.status == status)
            .order_by(RefundRequest.created_at, RefundRequest.id)
            .limit(MAX_LISTED)
        ).all()
    return tuple(RefundRequestView(ref, email or "", plan, price, currency, r.reason, r.provider_outcome or "",
                                   r.status, r.created_at, r.decided_at)
                 for r, ref, price, currency, email, plan in rows)


async def list_refund_requests(admin_id: int, *, status: str = RefundStatus.REVIEW) -> tuple[RefundRequestView, ...]:
    """Refund requests in `status` (by default those waiting for staff), oldest first."""
    await asyncio.to_thread(_require_admin, admin_id)
    return await asyncio.to_thread(_list, RefundStatus(status))


def _decide(order_ref: str, *, admin_id: int, approve: bool, note: str) -> tuple[_Step, RefundView]:
    """Record the decision on a request in review; approving leaves it ready for the card refund."""
    with db.session() as s, s.begin():
        order = _load(s, order_ref, owner=None, lock=True)
        request = s.exec(select(RefundRequest).where(RefundRequest.order_id == order.id).with_for_update()).first()
        if request is None or request.status != RefundStatus.REVIEW:
            raise RefundNotInReview(f"order {order.ref} has no refund request waiting for review")
        request.status = RefundStatus.PROVIDER_DONE if approve else RefundStatus.REJECTED
        request.decided_by, request.decided_at, request.updated_at = admin_id, sa.func.now(), sa.func.now()
        step = _Step(order, request.id, RefundStatus(request.status), request.reason,  # type: ignore[arg-type]
                     request.provider_outcome or "", "admin", admin_id)
        _audit(s, step, "approved" if approve else "rejected", note=note)
        s.flush()
        return step, _view(step, request, changed=True)


async def decide_refund_request(admin_id: int, *, order_ref: str, approve: bool, note: str) -> RefundView:
    """Approve (refund the card now) or reject a refund request waiting for review; `note` is for the audit log.

    Approving is a staff refund: `refund_authority` decides whether this staff member may give it."""
    await asyncio.to_thread(_require_admin, admin_id)
    if approve:
        await asyncio.to_thread(refund_authority.authorise_staff_refund, admin_id, order_ref=order_ref)
    note = _reason(note)
    async with _order_lock(await asyncio.to_thread(_order_id, order_ref, owner=None)):
        step, view = await asyncio.to_thread(_decide, order_ref, admin_id=admin_id, approve=approve, note=note)
        return await _refund_at_stripe(step) if approve else view
