"""An employee's private install page (`/install/<token>`): no account, the emailed token is the key.

The page works while its allocation is live (not revoked), unexpired, and the company active.
It shows what the customer's own eSIM page shows: the QR code, the activation string, the iOS
one-tap link, and the SM-DP+ address and matching id to type by hand. The first visit is noted,
so the company sees the link was opened.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select

from services.core import DEFAULT_LANGUAGE, date_text, db
from services.core.localize import package_title, place_name
from services.core.models import EnterpriseAccount, Esim, EsimAllocation, Order, Package
from services.enterprise.allocation import hash_token, utcnow
from services.enterprise.distribution_errors import InvalidInstallLink
from services.orders.esims import ios_install_url, qr_data_uri

MAX_TOKEN = 200


@dataclass(frozen=True, slots=True)
class InstallView:
    recipient_name: str
    company_name: str
    plan_name: str
    destination_name: str
    iccid: str
    lpa: str  # the activation string the QR code holds
    smdp_address: str
    matching_id: str
    qr_data_uri: str
    ios_install_url: str
    link_expires_on: str
    esim_status: str


def open_install(token: str, *, lang: str = DEFAULT_LANGUAGE) -> InstallView:
    """The install details behind a live link, the plan and date worded in `lang`; `InvalidInstallLink` for
    a revoked, expired or unknown one."""
    if not token or len(token) > MAX_TOKEN:
        raise InvalidInstallLink("no such link")
    now = utcnow()
    with db.session() as s, s.begin():
        found = s.exec(
            select(EsimAllocation, Esim, Package, EnterpriseAccount)
            .join(Esim, col(Esim.id) == EsimAllocation.esim_id)
            .join(Order, col(Order.id) == Esim.order_id).join(Package, col(Package.id) == Order.package_id)
            .join(EnterpriseAccount, col(EnterpriseAccount.id) == EsimAllocation.enterprise_account_id)
            .where(col(EsimAllocation.token_hash) == hash_token(token), col(EsimAllocation.revoked_at).is_(None))
            .where(col(EsimAllocation.expires_at) > now, col(EnterpriseAccount.status) == "active")
            .where(col(Esim.enterprise_account_id) == EsimAllocation.enterprise_account_id)
        ).first()
        if found is None:
            raise InvalidInstallLink("unknown, revoked or expired install link")
        allocation, esim, package, company = found
        if allocation.opened_at is None:
            s.exec(sa.update(EsimAllocation).where(col(EsimAllocation.id) == allocation.id)
                   .where(col(EsimAllocation.opened_at).is_(None)).values(opened_at=now))
        return InstallView(
            recipient_name=allocation.recipient_name, company_name=company.company_name,
            plan_name=package_title(package, lang),
            destination_name=place_name(lang, package.kind, package.destination_code, package.destination_name),
            iccid=esim.iccid, lpa=esim.lpa,
            smdp_address=esim.smdp_address, matching_id=esim.matching_id, qr_data_uri=qr_data_uri(esim.lpa),
            ios_install_url=ios_install_url(esim.lpa), link_expires_on=date_text(lang, allocation.expires_at),
            esim_status=esim.status)
