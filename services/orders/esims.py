"""A customer's eSIMs: install details (QR code, activation string, iOS link) and usage.

Every read is scoped by the owner's id, so one customer can never see another's eSIM whatever
reference the browser sends.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import quote

from sqlmodel import select

from services.core import DEFAULT_LANGUAGE, db
from services.core.localize import date_text, moment_text, package_title, place_name
from services.core.models import Esim, EsimStatus, Order, OrderStatus, Package
from services.core.qr import qr_png
from services.orders.errors import EsimNotFound, OrderNotFound
from services.core.i18n import N_
from services.orders.receipts import has_receipt

IOS_INSTALL_URL = "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata="
STATUS_LABELS = {  # English; pages translate them
    EsimStatus.NOT_INSTALLED: N_("Not installed"),
    EsimStatus.ACTIVE: N_("Active"),
    EsimStatus.USED_UP: N_("Used up"),
    EsimStatus.EXPIRED: N_("Expired"),
    EsimStatus.CANCELLED: N_("Cancelled"),
}


@dataclass(frozen=True, slots=True)
class EsimSummary:
    ref: str
    plan_name: str
    destination_name: str
    status: str
    status_label: str
    used_mb: int
    total_mb: int | None
    unlimited: bool
    usage_percent: int
    expires_on: str


@dataclass(frozen=True, slots=True)
class EsimDetail:
    summary: EsimSummary
    iccid: str
    lpa: str
    smdp_address: str
    activation_code: str
    qr_data_uri: str
    ios_install_url: str
    usage_updated: str
    order_ref: str
    can_top_up: bool


def qr_data_uri(lpa: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(lpa)).decode()


def ios_install_url(lpa: str) -> str:
    """iOS 17.4+ one-tap install link."""
    return IOS_INSTALL_URL + quote(lpa, safe="")


def _usage_percent(used_mb: int, total_mb: int | None) -> int:
    if not total_mb:
        return 0
    return max(0, min(100, round(used_mb * 100 / total_mb)))


def _place(package: Package, lang: str) -> str:
    return place_name(lang, package.kind, package.destination_code, package.destination_name)


def _summary(esim: Esim, package: Package, lang: str) -> EsimSummary:
    status = EsimStatus(esim.status)
    return EsimSummary(
        ref=esim.display_id or "",
        plan_name=package_title(package, lang),
        destination_name=_place(package, lang),
        status=status.value,
        status_label=STATUS_LABELS[status],
        used_mb=esim.used_mb,
        total_mb=esim.total_mb,
        unlimited=esim.unlimited,
        usage_percent=_usage_percent(esim.used_mb, esim.total_mb),
        expires_on=date_text(lang, esim.expires_at),
    )


def _owned(user_id: int):
    return (
        select(Esim, Package)
        .join(Order, Order.id == Esim.order_id)
        .join(Package, Package.id == Order.package_id)
        .where(Esim.user_id == user_id)
    )


def list_esims(user_id: int, *, lang: str = DEFAULT_LANGUAGE) -> list[EsimSummary]:
    """The customer's eSIMs, newest first, worded in `lang`."""
    with db.session() as s:
        rows = s.exec(_owned(user_id).order_by(Esim.created_at.desc(), Esim.id.desc())).all()
        return [_summary(esim, package, lang) for esim, package in rows]


def get_esim(user_id: int, *, esim_ref: str, lang: str = DEFAULT_LANGUAGE) -> EsimDetail:
    """One eSIM of this customer, worded in `lang`; `EsimNotFound` for anything else, including other
    people's eSIMs."""
    with db.session() as s:
        row = s.exec(_owned(user_id).where(Esim.display_id == esim_ref)).first()
        if row is None:
            raise EsimNotFound(f"user {user_id} has no eSIM {esim_ref}")
        esim, package = row
        order_ref = s.get(Order, esim.order_id).display_id or ""
        return EsimDetail(
            summary=_summary(esim, package, lang),
            iccid=esim.iccid,
            lpa=esim.lpa,
            smdp_address=esim.smdp_address,
            activation_code=esim.matching_id,
            qr_data_uri=qr_data_uri(esim.lpa),
            ios_install_url=ios_install_url(esim.lpa),
            usage_updated=moment_text(lang, esim.usage_updated_at),
            order_ref=order_ref,
            can_top_up=esim.status in (EsimStatus.NOT_INSTALLED, EsimStatus.ACTIVE, EsimStatus.USED_UP),
        )


@dataclass(frozen=True, slots=True)
class OrderSummary:
    ref: str
    kind: str
    plan_name: str
    destination_name: str
    status: str
    price_cents: int
    currency: str
    created_on: str
    failure_code: str  # a stable code (`services.orders.errors`, `services.payments.errors`), "" if none
    esim_refs: tuple[str, ...]
    has_receipt: bool = False  # paid, so a PDF receipt can be downloaded (`receipts`)


def list_orders(user_id: int, *, lang: str = DEFAULT_LANGUAGE) -> list[OrderSummary]:
    """The customer's orders (paid or on their way), newest first, worded in `lang`."""
    with db.session() as s:
        rows = s.exec(
            select(Order, Package).join(Package, Package.id == Order.package_id)
            .where(Order.user_id == user_id)
            .order_by(Order.created_at.desc(), Order.id.desc())
        ).all()
        refs: dict[int, list[str]] = {}
        for order_id, ref in s.exec(
            select(Esim.order_id, Esim.display_id).where(Esim.order_id.in_([o.id for o, _ in rows]))
        ).all():
            refs.setdefault(order_id, []).append(ref)
        return [_order_summary(o, p, tuple(refs.get(o.id, ())), lang) for o, p in rows]


def get_order(user_id: int, *, order_ref: str, lang: str = DEFAULT_LANGUAGE) -> OrderSummary:
    """One of the customer's orders, worded in `lang`; `OrderNotFound` otherwise."""
    with db.session() as s:
        row = s.exec(
            select(Order, Package).join(Package, Package.id == Order.package_id)
            .where(Order.user_id == user_id, Order.display_id == order_ref)
        ).first()
        if row is None:
            raise OrderNotFound(f"user {user_id} has no order {order_ref}")
        order, package = row
        refs = tuple(s.exec(select(Esim.display_id).where(Esim.order_id == order.id)).all())
        return _order_summary(order, package, refs, lang)


def _order_summary(order: Order, package: Package, esim_refs: tuple[str, ...], lang: str) -> OrderSummary:
    failure = (order.failure_reason or "") if order.status in (OrderStatus.PENDING, OrderStatus.FAILED) else ""
    return OrderSummary(
        ref=order.display_id or "",
        kind=order.kind,
        plan_name=package_title(package, lang),
        destination_name=_place(package, lang),
        status=order.status,
        price_cents=order.price_cents,
        currency=order.currency,
        created_on=date_text(lang, order.created_at),
        failure_code=failure,
        esim_refs=esim_refs,
        has_receipt=has_receipt(order.status),
    )
