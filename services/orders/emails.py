"""Emails about orders, queued in the transaction that changes the order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from services.core.i18n import N_, translate
from services.core.localize import money_text, package_title, place_name, plan_title
from services.core.models import Esim, Order, OrderKind, Package, User
from services.core.settings import get_settings
from services.notifications import Attachment, enqueue_email
from services.orders.errors import DeliveryDelayed, OrderNotDelivered
from services.orders.esims import ios_install_url

# A failed order's `failure_reason` code in the words of the "we refunded you" email.
UNDELIVERED_WORDS = {
    OrderNotDelivered.code: N_("no network operator could deliver this plan"),
    DeliveryDelayed.code: N_("the network operator did not answer in time"),
}
UNDELIVERED_DEFAULT = N_("we could not deliver the eSIM")

# What the 'your eSIM is ready' email says about its reader and plan, read beside the order (with
# `users` and the order's `packages` row joined); `services.orders.completion` reads them in its close.
COMPLETED_MAIL_COLUMNS = (
    User.email.label("customer_email"), User.language.label("customer_language"),
    Package.kind.label("plan_kind"), Package.destination_code.label("plan_code"),
    Package.destination_name.label("plan_place"), Package.data_mb.label("plan_data_mb"),
    Package.unlimited.label("plan_unlimited"), Package.validity_days.label("plan_days"),
)


@dataclass(frozen=True, slots=True)
class DeliveredEsim:
    """An eSIM as the 'your eSIM is ready' email shows it."""

    display_id: str
    iccid: str
    lpa: str
    smdp_address: str
    matching_id: str


def queue_order_completed(session: Session, order: Order) -> None:
    """The 'your eSIM is ready' email with the QR code inline, for a customer's eSIM order, again."""
    if order.user_id is None or order.kind != OrderKind.ESIM:
        return
    facts = session.execute(sa.select(*COMPLETED_MAIL_COLUMNS).join(Package, Package.id == order.package_id)
                            .where(User.id == order.user_id)).one()
    esims = session.exec(select(Esim).where(Esim.order_id == order.id).order_by(Esim.id)).all()
    delivered = [DeliveredEsim(e.display_id or "", e.iccid, e.lpa, e.smdp_address, e.matching_id)
                 for e in esims]
    enqueue_order_completed(session, facts, order_ref=order.display_id or "", price_cents=order.price_cents,
                            currency=order.currency, esims=delivered)


def enqueue_order_completed(session: Session, facts: sa.Row, *, order_ref: str, price_cents: int,
                            currency: str, esims: Sequence[DeliveredEsim]) -> None:
    """Queue the 'your eSIM is ready' email of an order to `facts.customer_email`, in its language
    (`facts` holds `COMPLETED_MAIL_COLUMNS`)."""
    lang = facts.customer_language
    context_esims, attachments = [], []
    for esim in esims:
        cid = f"qr-{esim.display_id}@esim"
        attachments.append(Attachment.qr_code(f"{esim.display_id}-qr.png", esim.lpa, cid=cid))
        context_esims.append({
            "ref": esim.display_id, "iccid": esim.iccid, "lpa": esim.lpa, "smdp_address": esim.smdp_address,
            "activation_code": esim.matching_id, "ios_url": ios_install_url(esim.lpa), "qr_cid": cid,
        })
    public_url = get_settings().public_url.rstrip("/")
    enqueue_email(
        session,
        to=facts.customer_email,
        template="order_completed",
        context={
            "order_ref": order_ref,
            "plan_name": plan_title(lang, kind=facts.plan_kind, destination_code=facts.plan_code,
                                    destination_name=facts.plan_place, data_mb=facts.plan_data_mb,
                                    unlimited=facts.plan_unlimited, days=facts.plan_days),
            "destination_name": place_name(lang, facts.plan_kind, facts.plan_code, facts.plan_place),
            "price": money_text(lang, price_cents, currency),
            "esims": context_esims,
            "account_url": f"{public_url}/account/esims" if public_url else "/account/esims",
        },
        attachments=attachments,
        language=lang,
    )


def queue_order_undeliverable(session: Session, order: Order) -> None:
    """The 'we could not deliver it, so we refunded you' email, in our words whatever the provider said."""
    user = session.get(User, order.user_id) if order.user_id else None
    if user is None:
        return
    package = session.get(Package, order.package_id)
    public_url, lang = get_settings().public_url.rstrip("/"), user.language
    enqueue_email(session, to=user.email, template="order_undeliverable", language=lang, context={
        "order_ref": order.display_id,
        "plan_name": package_title(package, lang) if package else translate(lang, "your plan"),
        "price": money_text(lang, order.price_cents, order.currency),
        "reason": translate(lang, UNDELIVERED_WORDS.get(order.failure_reason or "", UNDELIVERED_DEFAULT)),
        "store_url": public_url or "/",
    })
