"""Orders: creation at the server's price, payment transitions, and exactly-once fulfilment.

State machine: pending → paid → provisioning → completed, or → failed (→ refunded, see `refund_ledger`). Every
transition is a guarded UPDATE (`WHERE status = ...`), so a replayed webhook, a second worker or
a restarted process can never move an order twice or buy two eSIMs for it. Provider calls run outside
any transaction; the provider is written down *before* the call, so a process dying mid-call is reconciled.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from providers import base as pb
from providers.http import guard_unkeyed_sends
from providers.polling import PENDING_STATES, wait_for_order
from providers.registry import ProviderRegistry
from services.core import db
from services.core import cache
from services.core.settings import get_settings
from services.core.models import AuditLog, Esim, Order, OrderKind, OrderStatus, Package
from services.orders.errors import (
    CheckoutExpired,
    DeliveryDelayed,
    OrderNotDelivered,
    OrderNotFound,
    PlanUnavailable,
    PriceChanged,
    RateChanged,
    TopupDoesNotFit,
)
from services.store import currencies
from services.orders.claims import Claim, Offer
from services.orders import claims
from services.store.settings import STORE_CURRENCY, StoreSettings, get_store_settings

log = logging.getLogger(__name__)

INLINE_POLL_SECONDS = 20.0  # how long fulfilment waits for an asynchronous provider before the job takes over
POLL_INTERVAL = 0.5
LEASE_MARGIN = dt.timedelta(seconds=10)
FRESH_LEASE_SECONDS = 1.0  # a lease renewed this recently is not renewed again before an order call


def reclaim_after() -> dt.timedelta:
    """How long an order may provision without news before another worker asks its provider about it."""
    return dt.timedelta(seconds=get_settings().provider_timeout_seconds) + LEASE_MARGIN


@dataclass(frozen=True, slots=True)
class CreatedOrder:
    id: int
    ref: str
    price_cents: int
    currency: str


@dataclass(frozen=True, slots=True)
class FulfilmentResult:
    order_ref: str
    status: OrderStatus
    iccids: tuple[str, ...] = ()
    changed: bool = True


def create_order(user_id: int, *, plan_slug: str, topup_of_esim_id: int | None = None, key: str | None = None,
                 currency: str = STORE_CURRENCY, shown_price_cents: int | None = None,
                 shown_usd_cents: int | None = None) -> CreatedOrder:
    """A pending order for a storefront plan (or a top-up of the customer's eSIM) at the server's price,
    in `currency` at the current rate (`services.store.currencies`; the order keeps amount and rate).

    `key` (a checkout's idempotency key) becomes the order's client reference: the database keeps it
    unique, so a second call with the same key returns the first call's order. `shown_price_cents`
    is the price the customer's page showed, in `currency`: when the server's differs, `PriceChanged`,
    or `RateChanged` when only the exchange rate moved (`shown_usd_cents`, the USD price the page was
    based on, tells them apart). The price charged is always the price shown.
    """
    settings = get_store_settings()
    with db.session() as s:
        package = s.exec(select(Package).where(Package.slug == plan_slug)).first()
        if package is None or package.vanished_at is not None:
            raise PlanUnavailable(f"plan {plan_slug} is unknown or vanished")
        if not package.is_enabled or (topup_of_esim_id is None and package.is_topup):
            raise PlanUnavailable(f"plan {plan_slug} is disabled, or a top-up bought as a plan")
        price = currencies.local_price(package.price_cents, currency, settings)
        if shown_price_cents is not None and shown_price_cents != price.amount_minor:
            rate_moved = price.currency != STORE_CURRENCY and shown_usd_cents == package.price_cents
            raise (RateChanged if rate_moved else PriceChanged)(
                f"plan {plan_slug} costs {price.amount_minor} {price.currency}, the page showed {shown_price_cents}",
                currency=price.currency)
        if topup_of_esim_id is not None:  # services.orders.topups checked with the provider that it fits
            esim = s.get(Esim, topup_of_esim_id)
            if esim is None or esim.user_id != user_id or esim.provider_id != package.provider_id:
                raise TopupDoesNotFit(f"plan {plan_slug} does not fit eSIM {topup_of_esim_id}")
        order = Order(
            kind=OrderKind.TOPUP if topup_of_esim_id else OrderKind.ESIM,
            user_id=user_id,
            package_id=package.id,
            topup_of_esim_id=topup_of_esim_id,
            client_reference=key or uuid.uuid4().hex,
            cost_micros=package.cost_micros,
            price_cents=price.amount_minor,
            currency=price.currency,
            fx_rate=price.fx_rate,
            base_price_cents=price.base_cents,  # what analytics sum: the amount in USD at the order's rate
        )
        s.add(order)
        try:
            s.commit()
        except sa.exc.IntegrityError:
            if key is None:
                raise
            s.rollback()
            found = order_for_key(user_id, key=key)
            if found is None:
                raise
            return found
        return CreatedOrder(order.id, order.display_id, order.price_cents, order.currency)  # type: ignore[arg-type]


def order_for_key(user_id: int, *, key: str) -> CreatedOrder | None:
    """The order a checkout key made, or None before it made one; `CheckoutExpired` for another customer's."""
    with db.session() as s:
        order = s.exec(select(Order).where(Order.client_reference == key)).first()
        if order is None:
            return None
        if order.user_id != user_id:
            raise CheckoutExpired(f"checkout key of order {order.display_id} used by user {user_id}")
        return CreatedOrder(order.id, order.display_id, order.price_cents, order.currency)  # type: ignore[arg-type]


def _candidates(claim: Claim, *, min_margin_cents: int, enabled: tuple[str, ...]) -> list[Offer]:
    """The bought offer first, then equivalent offers of other providers that keep the margin floor.

    A top-up has only the bought offer: it goes to the provider that issued the eSIM, with the plan that
    provider said fits it (another provider's top-up, however equivalent, cannot apply to that eSIM)."""
    bought = next((p for p in claim.offers if p.package_id == claim.package_id), None)
    floor_micros = min_margin_cents * 10_000
    chosen: list[Offer] = []
    seen_providers: set[str] = set()
    others = [] if claim.topup_iccid else list(claim.offers)  # offers come cheapest first
    for p in ([bought] if bought else []) + others:
        keeps_margin = p is bought or claim.base_price_cents * 10_000 - p.cost_micros * claim.quantity >= floor_micros
        if p.provider_id in seen_providers or p.provider_id not in enabled or not keeps_margin:
            continue
        seen_providers.add(p.provider_id)
        chosen.append(p)
    return chosen


def _usable(registry: ProviderRegistry, settings: StoreSettings, claim: Claim) -> tuple[str, ...]:
    """Configured providers staff have not switched off, plus the one an earlier attempt may have reached
    (asked about that attempt, never bought from, when it is switched off)."""
    return tuple(p for p in registry.ids if settings.provider_enabled(p) or p == claim.provider_id)


def _provider_reference(claim: Claim, provider_id: str) -> str:
    """Our reference for this order at one provider: stable, so retries are recognisable."""
    return f"{claim.client_reference}-{provider_id}"[:64]


def _record_attempt(lease: claims.Lease, candidate: Offer, quantity: int) -> bool:
    """Write down which provider we are about to call, before calling it, renewing the lease; False when
    another worker holds the order now."""
    return lease.renew(provider_id=candidate.provider_id, package_id=candidate.package_id,
                       cost_micros=candidate.cost_micros * quantity, provider_order_id=None)


def _complete(claim: Claim, candidate: Offer, provider_order: pb.Order) -> FulfilmentResult:
    """Store the eSIMs (or the top-up) and close the order, once (`services.orders.completion`)."""
    from services.orders import completion  # local: notifications import orders' views

    status, iccids, changed = completion.complete(claim, candidate, provider_order)
    return FulfilmentResult(claim.ref, status, iccids, changed=changed)


def _fail(claim: Claim, reason: str, detail: str) -> FulfilmentResult:
    """provisioning → failed. `reason` is a stable code (shown in our words); `detail` is for staff only."""
    with db.session() as s, s.begin():
        s.execute(
            sa.update(Order).where(Order.id == claim.order_id, Order.status == OrderStatus.PROVISIONING)
            .values(status=OrderStatus.FAILED, failure_reason=reason, retry_count=Order.retry_count + 1,
                    last_retry_at=sa.func.now())
        )
        s.add(AuditLog(actor_type="system", action="order.failed", entity_type="order", entity_id=claim.ref,
                       details={"reason": reason, "detail": detail[:500]}))
    log.warning("order %s failed (%s): %s", claim.ref, reason, detail)
    return FulfilmentResult(claim.ref, OrderStatus.FAILED)


def _closes(claim: Claim, placed: pb.Order) -> bool:
    """Whether the provider's answer completes the order (its eSIMs, or a top-up applied)."""
    return placed.status == pb.OrderStatus.COMPLETED and bool(placed.esims or claim.topup_iccid)


async def _buy(provider: pb.Provider, claim: Claim, candidate: Offer, lease: claims.Lease) -> pb.Order:
    """Place the order. Right before each unkeyed order call is sent (after any wait for the provider's
    rate limit) the lease is renewed, or the call refused (`pb.SendRefused`) when another worker took
    the order over meanwhile; the call is cut off after one provider timeout, well inside the lease.
    A call sent within `FRESH_LEASE_SECONDS` of the last renewal (no wait) ends inside the lease anyway."""
    reference = _provider_reference(claim, candidate.provider_id)

    async def still_ours() -> bool:
        return lease.fresh(FRESH_LEASE_SECONDS) or await asyncio.to_thread(lease.renew)

    with guard_unkeyed_sends(still_ours):
        if claim.topup_iccid:
            return await provider.create_topup(claim.topup_iccid, candidate.provider_package_id,
                                               client_reference=reference)
        return await provider.create_order(candidate.provider_package_id, quantity=claim.quantity,
                                           client_reference=reference)


async def _reconcile(provider: pb.Provider, claim: Claim, candidate: Offer) -> pb.Order | None:
    """Ask the provider whether an earlier, unanswered attempt went through."""
    if claim.provider_order_id:
        return await provider.get_order(claim.provider_order_id)
    return await provider.find_order(_provider_reference(claim, candidate.provider_id))


async def fulfil_paid_order(order_id: int, *, registry: ProviderRegistry, resume: bool = False) -> FulfilmentResult:
    """Buy the eSIM for a paid order; safe to repeat or to race.

    `resume=True` takes over an order left in provisioning (after a crash or a slow provider);
    the provider it was sent to is asked first, and only a confirmed absence allows a new order.
    Database steps run in worker threads so the event loop (the web process's) never waits on them.
    """
    if resume:
        claim = await asyncio.to_thread(claims.claim_stuck, order_id, lease=reclaim_after())
    else:
        claim = await asyncio.to_thread(claims.claim_paid, order_id)
    if claim is None:
        return await asyncio.to_thread(_current, order_id)
    return await fulfil_claim(claim, registry=registry)


async def fulfil_claim(claim: Claim, *, registry: ProviderRegistry) -> FulfilmentResult:
    """Fulfil an order this worker has claimed (`services.orders.claims`): the provider an earlier attempt
    may have reached is asked first, and only a confirmed absence allows a new order."""
    settings = await cache.read(("store_settings",), get_store_settings)
    candidates = _candidates(claim, min_margin_cents=settings.min_margin_cents,
                             enabled=_usable(registry, settings, claim))
    if claim.provider_id:  # an earlier attempt may have reached this provider: it goes first
        candidates.sort(key=lambda c: c.provider_id != claim.provider_id)
    errors: list[str] = []
    lease = claims.Lease(claim)
    for candidate in candidates:
        provider = registry.get(candidate.provider_id)
        try:
            placed = None
            if claim.provider_id == candidate.provider_id:
                placed = await _reconcile(provider, claim, candidate)
            if placed is None and not settings.provider_enabled(candidate.provider_id):
                continue  # switched off by staff: only asked about the earlier attempt, never bought from
            if placed is None:
                if not await asyncio.to_thread(_record_attempt, lease, candidate, claim.quantity):
                    return _taken_over(claim)
                placed = await _buy(provider, claim, candidate, lease)
            # a takeover must know which order to ask about (the new holder finds it by our reference)
            if not _closes(claim, placed) and not await asyncio.to_thread(
                    lease.renew, provider_order_id=placed.provider_order_id):
                return _taken_over(claim)
            if placed.status in PENDING_STATES:
                placed = await wait_for_order(provider, placed.provider_order_id, timeout=INLINE_POLL_SECONDS,
                                              interval=POLL_INTERVAL)
        except pb.SendRefused:  # the lease was lost while the call waited for the provider's rate limit
            return _taken_over(claim)
        except pb.OutcomeUnknown as exc:
            log.warning("order %s: no answer from %s (%s); reconciling", claim.ref, candidate.provider_id, exc)
            try:
                placed = await provider.find_order(_provider_reference(claim, candidate.provider_id))
            except pb.ProviderError:
                placed = None
            if placed is None:
                return _leave_for_reconciliation(claim, f"{candidate.provider_id}: outcome unknown")
        except pb.PermanentProviderError as exc:
            errors.append(f"{candidate.provider_id}: {exc}")
            continue
        except pb.ProviderError as exc:  # transient: the failed-orders job retries later
            return await asyncio.to_thread(_fail, claim, DeliveryDelayed.code, f"{candidate.provider_id}: {exc}")
        if _closes(claim, placed):
            return await asyncio.to_thread(_complete, claim, candidate, placed)
        if placed.status == pb.OrderStatus.FAILED:
            errors.append(f"{candidate.provider_id}: order failed")
            continue
        return _leave_for_reconciliation(claim, f"{candidate.provider_id}: still processing")
    return await asyncio.to_thread(_fail, claim, OrderNotDelivered.code,
                                   "; ".join(errors) or "no provider offers this plan")


def _leave_for_reconciliation(claim: Claim, reason: str) -> FulfilmentResult:
    log.info("order %s left in provisioning: %s", claim.ref, reason)
    return FulfilmentResult(claim.ref, OrderStatus.PROVISIONING)


def _taken_over(claim: Claim) -> FulfilmentResult:
    """Another worker holds the order now (this one's lease ran out, or a webhook released it): it
    asks the provider about anything this worker placed, so this one just lets go."""
    log.warning("order %s: lease lost to another worker; letting go", claim.ref)
    return FulfilmentResult(claim.ref, OrderStatus.PROVISIONING, changed=False)


def _current(order_id: int) -> FulfilmentResult:
    with db.session() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise OrderNotFound(f"order {order_id} does not exist")
        iccids = tuple(s.exec(select(Esim.iccid).where(Esim.order_id == order_id)).all())
        return FulfilmentResult(order.display_id, OrderStatus(order.status), iccids, changed=False)
