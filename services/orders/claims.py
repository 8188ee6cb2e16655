"""Claiming orders for fulfilment: one statement, one round trip, however many orders.

A claim is a guarded UPDATE ... RETURNING that also reads what fulfilment needs (the order, its
plan's group, a top-up's eSIM, and every live offer of that group, cheapest first), so the worker
that wins an order has everything in hand and nobody else can take it:

- `claim_paid`: paid → provisioning, for one order (the web process right after a payment);
- `claim_stuck`: the provisioning lease of an order nobody has touched for `lease`;
- `claim_batch`: up to `limit` of both kinds that no other worker holds (FOR UPDATE SKIP LOCKED),
  for the job workers' fulfilment loop.
Single statements run in autocommit: there is nothing to BEGIN or COMMIT around them.

The lease is the order's `last_status_check`: the claim sets it, and the winner renews it through its
`Lease`, a guarded UPDATE that matches only the value it last wrote. Both write the database's `now()`,
and whether a lease ran out is decided on that same clock, never on a worker's: a worker whose clock
runs ahead would otherwise take over orders another worker still holds. Once another worker took the
order over (the lease had run out, or a provider webhook released it), renewing fails, and the
first worker must leave the order alone: above all, never place it at a provider.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass

import sqlalchemy as sa

from services.core import db
from services.core.models import Esim, Order, OrderStatus, Package


@dataclass(frozen=True, slots=True)
class Offer:
    package_id: int
    provider_id: str
    provider_package_id: str
    cost_micros: int
    data_mb: int | None
    unlimited: bool


@dataclass(frozen=True, slots=True)
class Claim:
    order_id: int
    ref: str
    client_reference: str
    base_price_cents: int  # USD cents at the order's rate: the margin floor weighs it against USD costs
    quantity: int
    package_id: int
    provider_id: str | None  # set when an earlier attempt may have reached this provider
    provider_order_id: str | None
    topup_iccid: str | None
    offers: tuple[Offer, ...]  # the plan's group, live offers only, cheapest first
    held_since: dt.datetime  # the `last_status_check` this claim wrote: its lease, see `Lease`


class Lease:
    """This worker's hold on one provisioning order, renewed only while nobody else took it."""

    def __init__(self, claim: Claim) -> None:
        self.order_id = claim.order_id
        self._mark = claim.held_since
        self._renewed = float("-inf")  # when this object last renewed it (the claim's own time is not known here)

    def fresh(self, seconds: float) -> bool:
        """Whether this worker renewed the lease less than `seconds` ago: nobody can have taken the order
        since (a takeover needs the whole lease to run out; a webhook releases only a placed order)."""
        return time.monotonic() - self._renewed < seconds

    def renew(self, **values: object) -> bool:
        """Restart the lease, writing `values` too, if this worker still holds it; False (nothing written)
        once another worker took the order over or it left provisioning."""
        with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            mark = conn.execute(
                sa.update(Order).where(Order.id == self.order_id, Order.status == OrderStatus.PROVISIONING,
                                       Order.last_status_check == self._mark)
                .values(last_status_check=sa.func.now(), **values).returning(Order.last_status_check)
            ).scalar_one_or_none()
        if mark is None:
            return False
        self._mark, self._renewed = mark, time.monotonic()
        return True


def _claimed(where: sa.ColumnElement[bool], values: dict) -> sa.Select:
    """UPDATE orders matching `where` with `values`, returning each claimed order beside its group's offers."""
    claimed = (
        sa.update(Order).where(where, Package.id == Order.package_id).values(**values)
        .returning(Order.id, Order.display_id, Order.client_reference, Order.base_price_cents, Order.quantity,
                   Order.package_id, Order.provider_id, Order.provider_order_id, Order.topup_of_esim_id,
                   Order.last_status_check, Package.group_key)
        .cte("claimed")
    )
    offer = sa.orm.aliased(Package, name="offer")
    topup_iccid = sa.select(Esim.iccid).where(Esim.id == claimed.c.topup_of_esim_id).scalar_subquery()
    return (
        sa.select(claimed, topup_iccid.label("topup_iccid"), offer.id.label("offer_id"),
                  offer.provider_id.label("offer_provider_id"), offer.provider_package_id, offer.cost_micros,
                  offer.data_mb, offer.unlimited)
        .select_from(claimed)
        .outerjoin(offer, sa.and_(offer.group_key == claimed.c.group_key, offer.vanished_at.is_(None)))
        .order_by(claimed.c.id, offer.cost_micros, offer.id)
    )


def _run(kind: str, **params: object) -> list[Claim]:
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        rows = conn.execute(_statement(kind), params).all()
    claims: list[Claim] = []
    offers: list[Offer] = []
    for i, row in enumerate(rows):
        if row.offer_id is not None:
            offers.append(Offer(row.offer_id, row.offer_provider_id, row.provider_package_id, row.cost_micros,
                                row.data_mb, row.unlimited))
        if i + 1 == len(rows) or rows[i + 1].id != row.id:
            claims.append(Claim(row.id, row.display_id, row.client_reference, row.base_price_cents,
                                row.quantity, row.package_id, row.provider_id, row.provider_order_id, row.topup_iccid,
                                tuple(offers), row.last_status_check))
            offers = []
    return claims


_ORDER_ID = sa.bindparam("order_id")
_LEASE = sa.bindparam("lease", type_=sa.Interval())
_LIMIT = sa.bindparam("limit")
_TAKE = {"status": OrderStatus.PROVISIONING, "last_status_check": sa.func.now()}
_RENEW = {"last_status_check": sa.func.now()}


def _paid() -> sa.ColumnElement[bool]:
    return Order.status == OrderStatus.PAID


def _stuck() -> sa.ColumnElement[bool]:
    """Provisioning with no news for `lease`, on the database's clock (the one that wrote the lease)."""
    return sa.and_(Order.status == OrderStatus.PROVISIONING,
                   sa.or_(Order.last_status_check.is_(None), Order.last_status_check < sa.func.now() - _LEASE))


@functools.cache
def _statement(kind: str) -> sa.Select:
    """The claim statement of `kind` (paid, stuck, batch) with its parameters left open, built once:
    building it for every claim took a fifth of a job worker's CPU."""
    if kind == "paid":
        return _claimed(sa.and_(Order.id == _ORDER_ID, _paid()), _TAKE)
    if kind == "stuck":
        return _claimed(sa.and_(Order.id == _ORDER_ID, _stuck()), _RENEW)
    which = sa.or_(_paid(), _stuck())
    free = (sa.select(Order.id).where(which).order_by(Order.id).limit(_LIMIT)
            .with_for_update(skip_locked=True).scalar_subquery())
    return _claimed(sa.and_(Order.id.in_(free), which), _TAKE)  # status is a no-op for the stuck


def claim_paid(order_id: int) -> Claim | None:
    """paid → provisioning; None when the order is not paid (done already, or someone else has it)."""
    return next(iter(_run("paid", order_id=order_id)), None)


def claim_stuck(order_id: int, *, lease: dt.timedelta) -> Claim | None:
    """Take over an order left in provisioning with no news for `lease`; None if it is not."""
    return next(iter(_run("stuck", order_id=order_id, lease=lease)), None)


def stuck_ids(limit: int, *, lease: dt.timedelta) -> list[int]:
    """Up to `limit` orders in provisioning whose lease ran out, the oldest news first (not claimed)."""
    query = (sa.select(Order.id).where(_stuck()).order_by(Order.last_status_check.asc().nulls_first(), Order.id)
             .limit(limit))
    with db.get_engine().connect() as conn:
        return list(conn.execute(query, {"lease": lease}).scalars())


def claim_batch(limit: int, *, lease: dt.timedelta) -> list[Claim]:
    """Up to `limit` orders no other worker holds: paid ones, and provisioning ones whose lease ran out."""
    if limit <= 0:
        return []
    return _run("batch", limit=limit, lease=lease)
