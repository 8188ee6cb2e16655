"""Admin face: orders (list, detail, timeline, actions) and customers."""


from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from providers.registry import ProviderRegistry
from services.accounts.sessions import Identity
from services.admin import access, customer_export, customers, order_actions, order_detail, order_refunds, orders
from services.admin.access import NoteMissing, NoteTooLong, NotPermitted, StaleAction
from services.admin.customers import CustomerDetail, CustomerNotFound, CustomerPage, CustomerRow
from services.admin.order_actions import (ActionNotAllowed, FailoverBelowFloor, FailoverUnavailable,
                                          ProviderCancelFailed)
from services.admin.order_detail import Alternative, EsimView, OrderDetail
from services.admin.order_refunds import InvalidRefundAmount
from services.admin.orders import OrderPage, OrderRow
from services.admin.timeline import TimelineEvent

ORDER_ROLES = access.ORDERS_READ
CUSTOMER_ROLES = access.CUSTOMERS_READ


@dataclass(frozen=True, slots=True)
class ActionResult:
    changed: bool  # False when the confirmation was a replay (or there was nothing left to do)
    values: dict[str, Any]


def _result(values: dict[str, Any]) -> ActionResult:
    return ActionResult(bool(values.get("changed")), values)


def new_action_key() -> str:
    """A fresh key for one confirmation dialog: the action it confirms runs once per key."""
    return secrets.token_urlsafe(24)


# --- orders ------------------------------------------------------------------------------------


async def list_orders(identity: Identity, *, query: str = "", status: str = "", provider: str = "",
                      destination: str = "", customer: str = "", date_from: dt.date | None = None,
                      date_to: dt.date | None = None, min_cents: int | None = None, max_cents: int | None = None,
                      sort: str = "created", descending: bool = True, after: str = "", offset: int = 0,
                      limit: int = 25, count: bool = True) -> OrderPage:
    """One page of orders matching the search (reference, ICCID, email) and filters; any staff role."""
    access.require(identity, access.ORDERS_READ)
    return await asyncio.to_thread(
        orders.list_orders, query=query, status=status, provider=provider, destination=destination,
        customer=customer, date_from=date_from, date_to=date_to, min_cents=min_cents, max_cents=max_cents,
        sort=sort, descending=descending, after=after, offset=offset, limit=limit, count=count)


async def order_filter_choices(identity: Identity) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(providers, destination codes) for the order list's filters."""
    access.require(identity, access.ORDERS_READ)
    return await asyncio.to_thread(orders.filter_choices)


async def get_order(identity: Identity, *, order_ref: str) -> OrderDetail:
    """One order with its eSIMs, alternatives and timeline; `OrderNotFound` for an unknown reference."""
    access.require(identity, access.ORDERS_READ)
    return await asyncio.to_thread(order_detail.get_order_detail, order_ref)


async def refund_order(identity: Identity, *, order_ref: str, amount_cents: int | None, note: str, key: str,
                       skip_provider_cancel: bool = False, registry: ProviderRegistry | None = None) -> ActionResult:
    """Refund the order in full (None) or in part through Stripe; once per key. Support, operations, owners."""
    return _result(await order_refunds.refund_order(identity, order_ref=order_ref, amount_cents=amount_cents,
                                                    note=note, key=key, skip_provider_cancel=skip_provider_cancel,
                                                    registry=registry))


async def retry_order(identity: Identity, *, order_ref: str, note: str, key: str,
                      registry: ProviderRegistry | None = None) -> ActionResult:
    """Fulfil a failed, paid or stuck order now; once per key. Operations and owners."""
    return _result(await order_actions.retry_order(identity, order_ref=order_ref, note=note, key=key,
                                                   registry=registry))


async def failover_order(identity: Identity, *, order_ref: str, package_id: int, note: str, key: str,
                         registry: ProviderRegistry | None = None) -> ActionResult:
    """Fulfil a failed or paid order with another provider's equivalent offer; once per key. Operations and owners."""
    return _result(await order_actions.failover_order(identity, order_ref=order_ref, package_id=package_id,
                                                      note=note, key=key, registry=registry))


async def resend_esim_email(identity: Identity, *, order_ref: str, note: str, key: str) -> ActionResult:
    """Email the customer their eSIM again; once per key. Support, operations, owners."""
    return _result(await order_actions.resend_esim_email(identity, order_ref=order_ref, note=note, key=key))


async def cancel_at_provider(identity: Identity, *, order_ref: str, note: str, key: str,
                             registry: ProviderRegistry | None = None) -> ActionResult:
    """Cancel a delivered order's eSIMs at a provider that supports it; once per key. Operations and owners."""
    return _result(await order_actions.cancel_at_provider(identity, order_ref=order_ref, note=note, key=key,
                                                          registry=registry))


# --- customers ---------------------------------------------------------------------------------


async def list_customers(identity: Identity, *, query: str = "", offset: int = 0, limit: int = 25) -> CustomerPage:
    """Customers by email, name or reference, newest first; any staff role."""
    access.require(identity, access.CUSTOMERS_READ)
    return await asyncio.to_thread(customers.list_customers, query=query, offset=offset, limit=limit)


async def get_customer(identity: Identity, *, user_ref: str) -> CustomerDetail:
    """One customer with orders, eSIMs, tickets, sessions and spend; any staff role."""
    access.require(identity, access.CUSTOMERS_READ)
    return await asyncio.to_thread(customers.get_customer, user_ref)


async def set_customer_active(identity: Identity, *, user_ref: str, active: bool, note: str,
                              key: str) -> ActionResult:
    """Enable or disable a customer (disabling ends their sessions); once per key. Support and owners."""
    access.require(identity, access.CUSTOMERS_ACT)
    note = access.note_text(note)

    async def work() -> dict[str, Any]:
        return await asyncio.to_thread(customers.set_active, identity, user_ref, active=active, note=note)

    return _result(await access.run_once(identity, key, "customer.set_active", entity_type="user",
                                         entity_id=user_ref.strip().upper(), work=work))


async def revoke_customer_sessions(identity: Identity, *, user_ref: str, note: str, key: str) -> ActionResult:
    """Sign the customer out everywhere; once per key. Support and owners."""
    access.require(identity, access.CUSTOMERS_ACT)
    note = access.note_text(note)

    async def work() -> dict[str, Any]:
        return await asyncio.to_thread(customers.end_sessions, identity, user_ref, note=note)

    return _result(await access.run_once(identity, key, "customer.revoke_sessions", entity_type="user",
                                         entity_id=user_ref.strip().upper(), work=work))


async def export_customer(identity: Identity, *, user_ref: str) -> dict[str, Any]:
    """Everything we hold about one customer, as a JSON-ready document (audited). Support and owners."""
    access.require(identity, access.CUSTOMERS_ACT)
    return await asyncio.to_thread(customer_export.customer_export, identity, user_ref)


__all__ = [
    "CUSTOMER_ROLES", "ORDER_ROLES", "ActionNotAllowed", "ActionResult", "Alternative", "CustomerDetail",
    "CustomerNotFound", "CustomerPage", "CustomerRow", "EsimView", "FailoverBelowFloor", "FailoverUnavailable",
    "InvalidRefundAmount", "NotPermitted", "NoteMissing", "NoteTooLong", "OrderDetail", "OrderPage", "OrderRow", "ProviderCancelFailed",
    "StaleAction", "TimelineEvent", "cancel_at_provider", "export_customer", "failover_order", "get_customer",
    "get_order", "list_customers", "list_orders", "new_action_key", "order_filter_choices", "refund_order",
    "resend_esim_email", "retry_order", "revoke_customer_sessions", "set_customer_active",
]
