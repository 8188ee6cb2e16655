"""Staff actions on one order besides refunds: retry now, fail over to another provider, resend the
eSIM email, cancel at the provider. Each checks the staff role, takes a note, runs once per
confirmation key (`access.run_once`), and writes an audit row with the order's values before and after.

Retry and failover put a failed order back to paid with a guarded UPDATE and hand it to the orders
domain's exactly-once fulfilment (`ordering.fulfil_paid_order`), so a retry racing the failed-orders
job buys one eSIM. A failover first moves the order to the chosen equivalent offer and then lets
only that provider be tried.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from providers import base as pb
from providers.registry import ProviderRegistry
from services.accounts.sessions import Identity
from services.admin import access
from services.admin.analytics import BASE_CURRENCY
from services.admin.order_detail import FAILOVER_FROM, RETRYABLE, Alternative, alternatives, supports_cancel
from services.core import amount_text, db
from services.core.errors import ServiceError
from services.core.models import AuditLog, Esim, EsimStatus, Order, OrderKind, OrderStatus, Package
from services.core.provider_runtime import get_registry
from services.orders import emails as order_emails
from services.orders import ordering
from services.orders.errors import OrderNotFound
from services.store.settings import get_store_settings


class ActionNotAllowed(ServiceError):
    """The order's state does not allow this action now (e.g. retrying a completed order)."""

    code = "admin_action_not_allowed"


class FailoverUnavailable(ServiceError):
    code = "admin_failover_unavailable"


class FailoverBelowFloor(ServiceError):
    """The chosen offer's cost leaves less margin than the store's minimum; `params`: provider, margin, floor."""

    code = "admin_failover_below_floor"


class ProviderCancelFailed(ServiceError):
    code = "admin_provider_cancel_failed"


def _locked(s: Session, order_ref: str) -> Order:
    order = s.exec(select(Order).where(Order.display_id == (order_ref or "").strip().upper())
                   .with_for_update()).first()
    if order is None:
        raise OrderNotFound(f"no order {order_ref}")
    return order


def _snapshot(order: Order) -> dict[str, Any]:
    return {"status": str(order.status), "provider": order.provider_id, "package_id": order.package_id,
            "attempts": order.retry_count}


def _below_floor(chosen: Alternative, floor_cents: int) -> FailoverBelowFloor:
    margin = "unknown" if chosen.margin_cents is None else amount_text(chosen.margin_cents, BASE_CURRENCY)
    return FailoverBelowFloor(f"{chosen.provider_id} leaves margin {margin} below {floor_cents}",
                              provider=chosen.provider_name, margin=f"{margin} {BASE_CURRENCY}",
                              floor=f"{amount_text(floor_cents, BASE_CURRENCY)} {BASE_CURRENCY}")


def _ref(order_ref: str) -> str:
    return (order_ref or "").strip().upper()


@dataclass(frozen=True, slots=True)
class _Reopened:
    order_id: int
    previous: str  # the status before
    audit_id: int  # the staff action's audit row, whose `after` is filled in once fulfilment has run
    provider: str  # the provider a failover chose ("" for a retry)


def _failover_choice(s: Session, order: Order, package_id: int, enabled: tuple[str, ...]) -> Alternative:
    """The equivalent offer `package_id` of an enabled provider, if it keeps the store's margin floor."""
    settings = get_store_settings()
    package = s.get(Package, order.package_id)
    chosen = next((a for a in alternatives(s, order, package, settings)  # type: ignore[arg-type]
                   if a.package_id == package_id), None)
    if chosen is None or chosen.provider_id not in enabled:
        raise FailoverUnavailable(f"offer {package_id} is no enabled alternative for order {order.display_id}")
    if not chosen.keeps_floor:
        raise _below_floor(chosen, settings.min_margin_cents)
    return chosen


def _reopen(order_ref: str, identity: Identity, *, note: str, action: str,
            package_id: int | None = None, enabled: tuple[str, ...] = ()) -> _Reopened:
    """failed → paid (a paid order stays paid), on the chosen offer for a failover; audited."""
    allowed = FAILOVER_FROM if package_id is not None else RETRYABLE
    with db.session() as s, s.begin():
        order = _locked(s, order_ref)
        if order.status not in allowed:
            raise ActionNotAllowed(f"order {order.display_id} is {order.status}")
        before, extra, provider = _snapshot(order), {}, ""
        if package_id is not None:
            chosen = _failover_choice(s, order, package_id, enabled)
            order.package_id, order.provider_id, order.provider_order_id = package_id, chosen.provider_id, None
            provider = chosen.provider_id
            extra = {"cost_cents": chosen.cost_cents, "margin_cents": chosen.margin_cents}
        if order.status == OrderStatus.FAILED:
            order.status, order.next_retry_at, order.failure_reason = OrderStatus.PAID, None, None
        audit = access.record(s, identity.principal_id, action, entity="order", entity_id=order.display_id or "",
                              before=before, after=None, note=note, **extra)
        s.flush()
        return _Reopened(order.id, before["status"], audit.id, provider)  # type: ignore[arg-type]


def _record_outcome(reopened: _Reopened) -> None:
    """The audit row's `after`: the order as fulfilment left it (status, attempts, provider)."""
    with db.session() as s, s.begin():
        audit = s.get(AuditLog, reopened.audit_id, with_for_update=True)
        after = _snapshot(s.get(Order, reopened.order_id))  # type: ignore[arg-type]
        audit.details = {**audit.details, "after": after}  # type: ignore[union-attr]


async def _fulfil(reopened: _Reopened, registry: ProviderRegistry) -> dict[str, Any]:
    try:
        result = await ordering.fulfil_paid_order(reopened.order_id, registry=registry,
                                                  resume=reopened.previous == OrderStatus.PROVISIONING)
    finally:
        await asyncio.to_thread(_record_outcome, reopened)
    return {"changed": True, "status": str(result.status), "iccids": list(result.iccids)}


async def retry_order(identity: Identity, *, order_ref: str, note: str, key: str,
                      registry: ProviderRegistry | None = None) -> dict[str, Any]:
    """Fulfil a failed, paid or stuck order now (the retry schedule's next step, brought forward)."""
    access.require(identity, access.ORDERS_ACT)
    note = access.note_text(note)

    async def work() -> dict[str, Any]:
        reopened = await asyncio.to_thread(_reopen, order_ref, identity, note=note, action="order.retry")
        return await _fulfil(reopened, registry or get_registry())

    return await access.run_once(identity, key, "order.retry", entity_type="order", entity_id=_ref(order_ref),
                                 work=work)


async def failover_order(identity: Identity, *, order_ref: str, package_id: int, note: str, key: str,
                         registry: ProviderRegistry | None = None) -> dict[str, Any]:
    """Fulfil a failed or paid order with another provider's equivalent offer (`package_id`), and only that one."""
    access.require(identity, access.ORDERS_ACT)
    note = access.note_text(note)
    registry = registry or get_registry()

    async def work() -> dict[str, Any]:
        reopened = await asyncio.to_thread(_reopen, order_ref, identity, note=note, action="order.failover",
                                           package_id=int(package_id), enabled=registry.ids)
        only = ProviderRegistry({reopened.provider: registry.get(reopened.provider)})
        return {**await _fulfil(reopened, only), "provider": reopened.provider}

    return await access.run_once(identity, key, "order.failover", entity_type="order", entity_id=_ref(order_ref),
                                 work=work)


def _resend(order_ref: str, identity: Identity, note: str) -> dict[str, Any]:
    with db.session() as s, s.begin():
        order = _locked(s, order_ref)
        if order.status != OrderStatus.COMPLETED or order.kind != OrderKind.ESIM or order.user_id is None:
            raise ActionNotAllowed(f"order {order.display_id} has no delivered eSIM to email")
        order_emails.queue_order_completed(s, order)
        access.record(s, identity.principal_id, "order.email_resent", entity="order", entity_id=order.display_id or "",
                     before={}, after={"email": "order_completed"}, note=note)
    return {"changed": True}


async def resend_esim_email(identity: Identity, *, order_ref: str, note: str, key: str) -> dict[str, Any]:
    """Email the customer their eSIM (QR code and install details) again."""
    access.require(identity, access.ORDERS_RESEND)
    note = access.note_text(note)

    async def work() -> dict[str, Any]:
        return await asyncio.to_thread(_resend, order_ref, identity, note)

    return await access.run_once(identity, key, "order.resend_email", entity_type="order",
                                 entity_id=_ref(order_ref), work=work)


def _cancellable(order_ref: str) -> tuple[str, str]:
    with db.session() as s:
        order = s.exec(select(Order).where(Order.display_id == _ref(order_ref))).first()
        if order is None:
            raise OrderNotFound(f"no order {order_ref}")
        if order.status != OrderStatus.COMPLETED or not order.provider_order_id or not supports_cancel(order.provider_id):
            raise ActionNotAllowed(f"order {order.display_id} cannot be cancelled at its provider")
        return order.provider_id, order.provider_order_id  # type: ignore[return-value]


def _record_cancel(order_ref: str, identity: Identity, note: str) -> None:
    with db.session() as s, s.begin():
        order = _locked(s, order_ref)
        before = list(s.exec(select(Esim.status).where(Esim.order_id == order.id)).all())
        s.execute(sa.update(Esim).where(Esim.order_id == order.id).values(status=EsimStatus.CANCELLED))
        access.record(s, identity.principal_id, "order.provider_cancelled", entity="order", entity_id=order.display_id or "",
                     before={"esims": before}, after={"esims": [EsimStatus.CANCELLED.value] * len(before)},
                     note=note, provider=order.provider_id)


async def cancel_at_provider(identity: Identity, *, order_ref: str, note: str, key: str,
                             registry: ProviderRegistry | None = None) -> dict[str, Any]:
    """Cancel a delivered order's eSIMs with the provider (where it supports that); no refund by itself."""
    access.require(identity, access.ORDERS_ACT)
    note = access.note_text(note)
    registry = registry or get_registry()

    async def work() -> dict[str, Any]:
        provider_id, provider_order_id = await asyncio.to_thread(_cancellable, order_ref)
        if provider_id not in registry:
            raise ActionNotAllowed(f"provider {provider_id} is not enabled")
        try:
            await registry.get(provider_id).cancel_order(provider_order_id)
        except pb.ProviderError as exc:
            raise ProviderCancelFailed(f"order {order_ref}: cancel failed: {exc}") from None
        await asyncio.to_thread(_record_cancel, order_ref, identity, note)
        return {"changed": True}

    return await access.run_once(identity, key, "order.cancel_at_provider", entity_type="order",
                                 entity_id=_ref(order_ref), work=work)
