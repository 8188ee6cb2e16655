"""A staff refund of an order, in full or in part, through Stripe: the one entry point for every staff refund.

A full refund of an order nothing was refunded of yet is the orders domain's administrator refund
(`services.orders.refunds.refund_order_as_admin`): the eSIM is cancelled at the provider where it
can be (unless staff skip that), the card refunded, the eSIMs marked cancelled and the customer
emailed. Any other amount is a partial refund: Stripe refunds that amount, the refund ledger counts
it (the order turns refunded once refunds reach its price) and the customer is emailed. Both run
under the orders domain's per-order refund lock, and the staff action's key makes a replay a no-op.
`check_refund_allowed` enforces the role and, through the orders domain's one staff refund check
(`services.orders.refund_authority`), support's refund limit for the amount about to be refunded.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from providers.registry import ProviderRegistry
from services.accounts.sessions import Identity
from services.admin import access
from services.core import db
from services.core.errors import ServiceError
from services.core.models import Esim, EsimStatus, Order, Package, User
from services.core.money import format_money
from services.core.settings import get_settings
from services.notifications import enqueue_email
from services.orders import refund_authority, refund_ledger, refunds
from services.orders.errors import CardRefundFailed, OrderNotFound
from services.payments import refunds as card_refunds
from services.payments.errors import PaymentError


class InvalidRefundAmount(ServiceError):
    code = "admin_refund_amount_invalid"


@dataclass(frozen=True, slots=True)
class _Target:
    id: int
    ref: str
    status: str
    price_cents: int
    refunded_cents: int
    currency: str
    user_id: int | None
    all_cancelled: bool


def _target(order_ref: str) -> _Target:
    with db.session() as s:
        order = s.exec(select(Order).where(Order.display_id == (order_ref or "").strip().upper())).first()
        if order is None:
            raise OrderNotFound(f"no order {order_ref}")
        statuses = s.exec(select(Esim.status).where(Esim.order_id == order.id)).all()
        return _Target(order.id, order.display_id, order.status, order.price_cents, order.refunded_cents,  # type: ignore[arg-type]
                       order.currency, order.user_id,
                       bool(statuses) and all(st == EsimStatus.CANCELLED for st in statuses))


async def check_refund_allowed(identity: Identity, *, order_ref: str, amount_cents: int) -> None:
    """May this staff member refund this amount of the order? The role, then support's refund limit."""
    access.require(identity, access.ORDERS_REFUND)
    await asyncio.to_thread(refund_authority.authorise_staff_refund, identity.principal_id, order_ref=order_ref,
                            amount_cents=amount_cents)


def _record_part(target: _Target, identity: Identity, *, refund_id: str, amount_cents: int, note: str) -> None:
    refund_ledger.mark_refunded(target.id, refund_id=refund_id, amount_cents=amount_cents)
    with db.session() as s, s.begin():
        order = s.get(Order, target.id)
        if target.user_id is not None:
            email, plan = s.exec(select(User.email, Package.name).join(Package, Package.id == order.package_id)  # type: ignore[union-attr]
                                 .where(User.id == target.user_id)).one()
            public_url = get_settings().public_url.rstrip("/")
            enqueue_email(s, to=email, template="order_refunded", context={
                "order_ref": target.ref, "plan_name": plan, "amount": format_money(amount_cents, target.currency),
                "orders_url": f"{public_url}/account/orders"})
        access.record(s, identity.principal_id, "order.staff_refund", entity="order", entity_id=target.ref,
                     before={"status": target.status, "refunded_cents": target.refunded_cents},
                     after={"status": order.status, "refunded_cents": order.refunded_cents},  # type: ignore[union-attr]
                     note=note, refund=refund_id, amount_cents=amount_cents)


async def _refund_part(target: _Target, identity: Identity, *, amount_cents: int, note: str, key: str) -> dict[str, Any]:
    async with refunds._order_lock(target.id):
        fresh = await asyncio.to_thread(_target, target.ref)
        if amount_cents > fresh.price_cents - fresh.refunded_cents:
            raise InvalidRefundAmount(f"order {target.ref}: {amount_cents} is more than is left")
        try:
            refund_id = await asyncio.to_thread(card_refunds.refund_part, target.id, amount_cents=amount_cents,
                                                key=key, reason=note)
        except PaymentError:
            raise CardRefundFailed(f"order {target.ref}: partial card refund failed") from None
        await asyncio.to_thread(_record_part, fresh, identity, refund_id=refund_id, amount_cents=amount_cents,
                                note=note)
    return {"changed": True, "amount_cents": amount_cents, "refund_id": refund_id, "full": False}


def _audit_full(target: _Target, identity: Identity, view: refunds.RefundView, note: str) -> None:
    after = _target(target.ref)
    with db.session() as s, s.begin():
        access.record(s, identity.principal_id, "order.staff_refund", entity="order", entity_id=target.ref,
                     before={"status": target.status, "refunded_cents": target.refunded_cents},
                     after={"status": after.status, "refunded_cents": after.refunded_cents},
                     note=note, refund=view.refund_id, amount_cents=view.amount_cents, changed=view.changed)


async def _refund_full(target: _Target, identity: Identity, *, note: str, skip_provider_cancel: bool,
                       registry: ProviderRegistry | None) -> dict[str, Any]:
    view = await refunds.refund_order_as_admin(
        identity.principal_id, order_ref=target.ref, reason=note, registry=registry,
        skip_provider_cancel=skip_provider_cancel or target.all_cancelled)
    await asyncio.to_thread(_audit_full, target, identity, view, note)
    return {"changed": view.changed, "amount_cents": view.amount_cents, "refund_id": view.refund_id, "full": True,
            "status": view.status}


async def refund_order(identity: Identity, *, order_ref: str, amount_cents: int | None, note: str, key: str,
                       skip_provider_cancel: bool = False, registry: ProviderRegistry | None = None) -> dict[str, Any]:
    """Refund `amount_cents` of the order (None: all that is left); once per confirmation `key`.

    Returns {"changed", "amount_cents", "refund_id", "full"}. Raises `NotPermitted`,
    `InvalidRefundAmount`, the orders domain's refund errors, `NoteMissing`/`NoteTooLong`.
    """
    access.require(identity, access.ORDERS_REFUND)
    note = access.note_text(note)

    async def work() -> dict[str, Any]:  # checked inside, so a replay answers before "nothing left"
        target = await asyncio.to_thread(_target, order_ref)
        left = target.price_cents - target.refunded_cents
        amount = left if amount_cents is None else int(amount_cents)
        if amount <= 0 or amount > left:
            raise InvalidRefundAmount(f"order {target.ref}: refund of {amount} with {left} left")
        await check_refund_allowed(identity, order_ref=target.ref, amount_cents=amount)
        if amount == target.price_cents and target.refunded_cents == 0:
            return await _refund_full(target, identity, note=note, skip_provider_cancel=skip_provider_cancel,
                                      registry=registry)
        return await _refund_part(target, identity, amount_cents=amount, note=note, key=key)

    return await access.run_once(identity, key, "order.refund", entity_type="order",
                                 entity_id=(order_ref or "").strip().upper(), work=work)
