"""Closing a delivered order: its eSIMs (or the top-up), its audit row and the 'your eSIM is ready'
email, in the one transaction of the guarded close (provisioning → completed, once; the audit row is
written by the closing statement itself).

The rows go in with Core statements built once: the ORM's unit of work (flushing the new rows, the
autoflush before the eSIMs were read back for the email, compiling ORM statements) was half of a job
worker's CPU per order. The statements insert through the tables, whose column types still encrypt
the activation strings; the database still makes the eSIMs' display ids (returned by the insert).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Session

from providers import base as pb
from services.core import db
from services.core.models import AuditLog, Esim, EsimStatus, Order, OrderKind, OrderStatus, Package, User
from services.orders import emails as order_emails
from services.orders.claims import Claim, Offer

log = logging.getLogger(__name__)

# The guarded close, returning the order beside its customer and plan (for the email); it also locks the
# order until the eSIMs are stored.
_CLOSED = (
    sa.update(Order)
    .where(Order.id == sa.bindparam("order_id"), Order.status == OrderStatus.PROVISIONING)
    .values(status=OrderStatus.COMPLETED, provider_order_id=sa.bindparam("placed_id"),
            failure_reason=None)
    .returning(Order.id, Order.display_id, Order.kind, Order.user_id, Order.enterprise_account_id,
               Order.topup_of_esim_id, Order.price_cents, Order.currency, Order.package_id)
    .cte("closed")
)
# Its audit row goes in with it (a data-modifying CTE runs whether or not the query reads it): one round trip.
_AUDIT = sa.insert(AuditLog.__table__).from_select(  # type: ignore[attr-defined]
    ["actor_type", "action", "entity_type", "entity_id", "details"],
    sa.select(sa.literal("system"), sa.literal("order.completed"), sa.literal("order"), _CLOSED.c.display_id,
              sa.bindparam("audit_details", type_=pg.JSONB)).select_from(_CLOSED),
).cte("audit")
_CLOSE = (sa.select(_CLOSED, *order_emails.COMPLETED_MAIL_COLUMNS).select_from(_CLOSED)
          .outerjoin(User, User.id == _CLOSED.c.user_id).join(Package, Package.id == _CLOSED.c.package_id)
          .add_cte(_AUDIT))


_INSERT_ESIMS = sa.insert(Esim.__table__).returning(  # type: ignore[attr-defined]
    Esim.__table__.c.display_id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
_STATUS = sa.select(Order.status).where(Order.id == sa.bindparam("order_id"))


def _store_esims(conn: sa.Connection, order: sa.Row, candidate: Offer,
                 sims: tuple[pb.Esim, ...]) -> list[order_emails.DeliveredEsim]:
    """Insert the order's new eSIMs; as the email shows them, with the display ids the database gave."""
    refs = conn.execute(_INSERT_ESIMS, [{
        "order_id": order.id, "user_id": order.user_id, "enterprise_account_id": order.enterprise_account_id,
        "provider_id": candidate.provider_id, "iccid": sim.iccid, "provider_esim_ref": sim.provider_esim_ref,
        "lpa": sim.lpa, "smdp_address": sim.smdp_address, "matching_id": sim.matching_id,
        "status": EsimStatus.NOT_INSTALLED, "used_mb": 0, "total_mb": candidate.data_mb,
        "unlimited": candidate.unlimited, "raw": sim.raw} for sim in sims]).scalars().all()
    return [order_emails.DeliveredEsim(ref, sim.iccid, sim.lpa, sim.smdp_address, sim.matching_id)
            for ref, sim in zip(refs, sims, strict=True)]


def _apply_topup(s: Session, order: sa.Row, candidate: Offer) -> None:
    """Add the top-up's data to the eSIM it tops up."""
    esim = s.get(Esim, order.topup_of_esim_id)
    if esim.total_mb is not None and candidate.data_mb is not None:
        esim.total_mb += candidate.data_mb
    esim.unlimited = esim.unlimited or candidate.unlimited


def complete(claim: Claim, candidate: Offer,
             provider_order: pb.Order) -> tuple[OrderStatus, tuple[str, ...], bool]:
    """Store the eSIMs (or the top-up) and close the order, once: its status after, the ICCIDs stored,
    and whether this call closed it (False when it was no longer provisioning: then nothing is written)."""
    iccids = (claim.topup_iccid,) if claim.topup_iccid else tuple(sim.iccid for sim in provider_order.esims)
    with db.session() as s, s.begin():
        conn = s.connection()
        order = conn.execute(_CLOSE, {
            "order_id": claim.order_id, "placed_id": provider_order.provider_order_id,
            "audit_details": {"provider": candidate.provider_id, "iccids": list(iccids)}}).one_or_none()
        if order is None:
            return OrderStatus(conn.execute(_STATUS, {"order_id": claim.order_id}).scalar_one()), (), False
        delivered: list[order_emails.DeliveredEsim] = []
        if claim.topup_iccid:
            _apply_topup(s, order, candidate)
        else:
            delivered = _store_esims(conn, order, candidate, provider_order.esims)
        if order.user_id is not None and order.kind == OrderKind.ESIM:
            order_emails.enqueue_order_completed(s, order, order_ref=order.display_id,
                                                 price_cents=order.price_cents, currency=order.currency,
                                                 esims=delivered)
    log.info("order %s completed with %s (%d eSIMs)", claim.ref, candidate.provider_id, len(iccids))
    return OrderStatus.COMPLETED, iccids, True
