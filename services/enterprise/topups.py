"""Top-ups of a company's eSIMs from its inventory: one plan for one or many eSIMs, on account or by card.

Which plans fit is the provider's answer (`Provider.list_topups`), asked once per plan the chosen eSIMs
were bought with (one eSIM of each stands for the rest); a plan is offered when it fits them all. A
top-up is placed as a bulk order, so the ledger, idempotency, live progress, retries and the "done"
email are the bulk order's: with the company row locked, the total at the company's price (list price
less its volume tier) is charged within the available credit, or waits for one card payment of the
total (`services.enterprise.card`), and once paid one top-up `Order` per eSIM (`topup_of_esim_id`, from
the line's `topup_esim_ids`) is queued for the orders domain, which adds the data once. The provider
that issued the eSIMs applies the top-up; it never fails over to another. Admins and operations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from providers import base as pb
from providers.registry import ProviderRegistry
from services.accounts.sessions import Identity
from services.core import db
from services.core.models import (
    BulkOrder,
    BulkOrderLine,
    BulkOrderStatus,
    BulkPayment,
    EnterpriseAccount,
    Esim,
    EsimStatus,
    Order,
    Package,
)
from services.core.units import format_data_size
from services.enterprise import ledger
from services.enterprise.access import ASSIGN_ROLES, company_for, require_active
from services.enterprise.audit import record
from services.enterprise.bulk import MAX_KEY, queue_esims, tier_discount_bp, tier_price
from services.enterprise.distribution_errors import CompanyEsimNotFound
from services.enterprise.errors import InvalidBulkOrder
from services.orders.errors import TopupDoesNotFit, TopupOffersUnavailable, TopupUnavailable

MAX_ESIMS = 500  # eSIMs in one top-up


@dataclass(frozen=True, slots=True)
class TopupOffer:
    slug: str
    name: str
    data: str
    validity_days: int
    unit_price_cents: int  # the company's price for one eSIM's top-up
    currency: str


@dataclass(frozen=True, slots=True)
class TopupPlaced:
    order_id: int
    order_ref: str
    esims: int
    total_cents: int
    currency: str
    status: str


@dataclass(frozen=True, slots=True)
class _Target:
    id: int
    iccid: str
    provider_id: str
    package_id: int


def targets(identity: Identity, esim_refs: Sequence[str]) -> list[_Target]:
    """The chosen eSIMs of the caller's company, each once; refuses unknown, expired or cancelled ones."""
    company_id = company_for(identity, ASSIGN_ROLES)
    refs = list(dict.fromkeys(str(ref)[:32] for ref in esim_refs))
    if not refs or len(refs) > MAX_ESIMS:
        raise InvalidBulkOrder(f"{len(refs)} eSIMs to top up")
    with db.session() as s:
        require_active(s, company_id)
        rows = s.exec(select(Esim, Order.package_id).join(Order, col(Order.id) == Esim.order_id)
                      .where(col(Esim.enterprise_account_id) == company_id, col(Esim.display_id).in_(refs))
                      .order_by(col(Esim.id))).all()
    if len(rows) != len(refs):
        raise CompanyEsimNotFound(f"{len(refs) - len(rows)} of the eSIMs are not company {company_id}'s")
    now = dt.datetime.now(dt.UTC)
    if any(esim.status in (EsimStatus.EXPIRED, EsimStatus.CANCELLED)
           or (esim.expires_at is not None and esim.expires_at <= now) for esim, _ in rows):
        raise TopupUnavailable("an expired or cancelled eSIM cannot be topped up")
    return [_Target(esim.id, esim.iccid, esim.provider_id, package_id) for esim, package_id in rows]  # type: ignore[arg-type]


async def fitting_ids(chosen: list[_Target], registry: ProviderRegistry) -> tuple[str, set[str]]:
    """(provider, its package ids that fit every chosen eSIM); none when they are of several providers."""
    providers = {t.provider_id for t in chosen}
    if len(providers) != 1:
        return "", set()
    provider = registry.get(chosen[0].provider_id)
    fitting: set[str] | None = None
    for sample in {t.package_id: t for t in chosen}.values():
        try:
            ids = {p.provider_package_id for p in await provider.list_topups(sample.iccid)}
        except pb.ProviderError as exc:
            raise TopupOffersUnavailable(f"top-ups of eSIM {sample.id}: {exc}") from exc
        fitting = ids if fitting is None else fitting & ids
    return chosen[0].provider_id, fitting or set()


def offers(identity: Identity, provider_id: str, package_ids: set[str], quantity: int) -> list[TopupOffer]:
    """The fitting plans on sale in the company's currency, at its price for `quantity` eSIMs, cheapest first."""
    company_id = company_for(identity, ASSIGN_ROLES)
    with db.session() as s:
        company = s.get(EnterpriseAccount, company_id)
        packages = s.exec(select(Package).where(col(Package.provider_id) == provider_id,
                                                col(Package.provider_package_id).in_(list(package_ids)),
                                                col(Package.is_enabled).is_(True), col(Package.vanished_at).is_(None),
                                                col(Package.currency) == company.currency)  # type: ignore[union-attr]
                          .order_by(col(Package.price_cents), col(Package.id))).all()
        discount = tier_discount_bp(s, company_id, quantity)
    return [TopupOffer(p.slug, p.name, format_data_size(p.data_mb, unlimited=p.unlimited), p.validity_days,
                       tier_price(p.price_cents, discount), p.currency) for p in packages]


def _new_order(s: Session, identity: Identity, company: EnterpriseAccount, chosen: list[_Target],
               offer: TopupOffer, *, payment: str, key: str) -> BulkOrder:
    package = s.exec(select(Package).where(col(Package.slug) == offer.slug)).one()
    order = BulkOrder(enterprise_account_id=company.id, created_by=identity.principal_id,  # type: ignore[arg-type]
                      total_cents=offer.unit_price_cents * len(chosen), currency=company.currency,
                      payment_method=payment, status=BulkOrderStatus.PENDING, idempotency_key=key)
    s.add(order)
    s.flush()
    s.add(BulkOrderLine(bulk_order_id=order.id, package_id=package.id, quantity=len(chosen),  # type: ignore[arg-type]
                        unit_price_cents=offer.unit_price_cents, topup_esim_ids=[t.id for t in chosen]))
    s.flush()
    s.refresh(order)  # the database filled in the reference
    return order


def place(identity: Identity, chosen: list[_Target], offer: TopupOffer, *, payment: str = BulkPayment.ACCOUNT,
          key: str, ip: str | None) -> TopupPlaced:
    """Place the top-up of `chosen` with `offer`, once per `key`: on account it is charged within the
    credit and queued; by card it waits (`pending`) for its payment on the order's page."""
    company_id = company_for(identity, ASSIGN_ROLES)
    if not key or len(key) > MAX_KEY or payment not in tuple(BulkPayment):
        raise InvalidBulkOrder("a top-up needs an idempotency key and a payment method")
    with db.session() as s, s.begin():
        company = ledger.lock_company(s, company_id)
        order = s.exec(select(BulkOrder).where(col(BulkOrder.enterprise_account_id) == company_id,
                                               col(BulkOrder.idempotency_key) == key)).first()
        if order is None:
            order = _new_order(s, identity, company, chosen, offer, payment=payment, key=key)
            if payment == BulkPayment.ACCOUNT:
                ledger.charge(s, company, order.total_cents, bulk_order_id=order.id,  # type: ignore[arg-type]
                              user_id=identity.principal_id, note=f"Top-up {order.display_id}")
                queue_esims(s, order)
            record(s, company_id, actor_id=identity.principal_id, action="topup_ordered", entity_type="bulk_order",
                   entity_id=order.id, ip=ip, details={"order": order.display_id, "plan": offer.name,  # type: ignore[arg-type]
                                                       "esims": len(chosen), "total_cents": order.total_cents,
                                                       "payment": payment})
        return TopupPlaced(order.id, order.display_id, len(chosen), order.total_cents, order.currency,  # type: ignore[arg-type]
                           order.status)


def pick(found: list[TopupOffer], plan_slug: str) -> TopupOffer:
    """The offer named `plan_slug`; `TopupDoesNotFit` when it is not among them."""
    for offer in found:
        if offer.slug == plan_slug:
            return offer
    raise TopupDoesNotFit(f"plan {plan_slug!r} does not fit the chosen eSIMs")
