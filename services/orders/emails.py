"""Emails about orders, queued in the transaction that changes the order."""

from __future__ import annotations

from sqlmodel import Session, select

from services.core.i18n import N_, translate
from services.core.localize import money_text, package_title, place_name
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


def queue_order_completed(session: Session, order: Order) -> None:
    """The 'your eSIM is ready' email with the QR code inline, for a customer's eSIM order."""
    if order.user_id is None or order.kind != OrderKind.ESIM:
        return
    email, lang, package = session.execute(
        select(User.email, User.language, Package)
        .join(Package, Package.id == order.package_id).where(User.id == order.user_id)).one()
    session.flush()  # the new eSIM rows get their display ids, which the next query loads
    esims = session.exec(select(Esim).where(Esim.order_id == order.id).order_by(Esim.id)).all()
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
        to=email,
        template="order_completed",
        context={
            "order_ref": order.display_id,
            "plan_name": package_title(package, lang),
            "destination_name": place_name(lang, package.kind, package.destination_code, package.destination_name),
            "price": money_text(lang, order.price_cents, order.currency),
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
