"""The daily usage summary a company's admins get by email (issue 10, part 5: notices go to the employee,
a summary to the company).

Once per UTC day, each active company with eSIMs in use (assigned, installed, active or used up) gets
one email per active admin (the contact address if it has none): its eSIMs by status, data used,
eSIMs at 80 % or more of their data, eSIMs expiring within three days, and the eSIMs that used the
largest share of their data, with their recipients. A `usage_summaries` row per (company, day),
inserted in the transaction that queues the emails, makes a second run or scheduler send nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Session, col, select

from services.core import db
from services.core.models import (
    CompanyRole,
    CompanyUsageSummary,
    EnterpriseAccount,
    EnterpriseUser,
    Esim,
    EsimAllocation,
    EsimStatus,
)
from services.core.settings import get_settings
from services.core.units import format_data_size
from services.enterprise.allocation import utcnow
from services.enterprise.inventory import STATUS_LABELS, live_join, status_counts
from services.notifications.outbox import enqueue_email

IN_USE = ("assigned", "installed", "active", "used_up")
EXPIRY_WINDOW = dt.timedelta(days=3)
TOP = 10


@dataclass(frozen=True, slots=True)
class _Line:
    esim_ref: str
    recipient: str
    used: str
    total: str
    percent: int


def _companies(s: Session, now: dt.datetime) -> list[int]:
    """Active companies with eSIMs not yet expired or cancelled, whose summary of the day is not sent."""
    live = (select(Esim.id).where(col(Esim.enterprise_account_id) == EnterpriseAccount.id)
            .where(col(Esim.status).not_in([EsimStatus.EXPIRED, EsimStatus.CANCELLED]))
            .where(sa.or_(col(Esim.expires_at).is_(None), col(Esim.expires_at) > now)).exists())
    sent = (select(CompanyUsageSummary.day)
            .where(col(CompanyUsageSummary.enterprise_account_id) == EnterpriseAccount.id)
            .where(col(CompanyUsageSummary.day) == now.date()).exists())
    return list(s.exec(select(EnterpriseAccount.id).where(col(EnterpriseAccount.status) == "active", live, ~sent)
                       .order_by(col(EnterpriseAccount.id))).all())


def _figures(s: Session, company_id: int, now: dt.datetime) -> dict[str, int]:
    metered = sa.and_(col(Esim.unlimited).is_(False), col(Esim.total_mb) > 0)
    current = sa.and_(col(Esim.status).not_in([EsimStatus.EXPIRED, EsimStatus.CANCELLED]),
                      sa.or_(col(Esim.expires_at).is_(None), col(Esim.expires_at) > now))
    row = s.execute(select(
        sa.func.coalesce(sa.func.sum(Esim.used_mb), 0),
        sa.func.count().filter(current, metered, col(Esim.used_mb) * 100 >= col(Esim.total_mb) * 80),
        sa.func.count().filter(current, col(Esim.expires_at) <= now + EXPIRY_WINDOW),
    ).where(col(Esim.enterprise_account_id) == company_id)).one()
    return {"used_mb": int(row[0]), "high_usage": row[1], "expiring": row[2]}


def _top(s: Session, company_id: int) -> list[_Line]:
    share = (col(Esim.used_mb) * 100 / sa.func.nullif(col(Esim.total_mb), 0))
    rows = s.execute(select(Esim.display_id, EsimAllocation.recipient_name, Esim.used_mb, Esim.total_mb, share)
                     .outerjoin(EsimAllocation, live_join())
                     .where(col(Esim.enterprise_account_id) == company_id, col(Esim.used_mb) > 0,
                            col(Esim.unlimited).is_(False))
                     .order_by(share.desc().nulls_last(), col(Esim.id)).limit(TOP)).all()
    return [_Line(ref or "", name or "in stock", format_data_size(used), format_data_size(total), int(pct or 0))
            for ref, name, used, total, pct in rows]


def _recipients(s: Session, company: EnterpriseAccount) -> list[str]:
    admins = s.exec(select(EnterpriseUser.email).where(col(EnterpriseUser.enterprise_account_id) == company.id)
                    .where(col(EnterpriseUser.role) == CompanyRole.ADMIN, col(EnterpriseUser.is_active).is_(True))
                    .order_by(col(EnterpriseUser.id))).all()
    return list(admins) or [company.contact_email]


def _send_one(company_id: int, now: dt.datetime) -> int:
    """Queue the company's summary for today unless it has nothing in use or was sent; emails queued."""
    with db.session() as s, s.begin():
        counts = status_counts(s, company_id, now)
        if not any(counts[name] for name in IN_USE):
            return 0
        claimed = s.execute(pg.insert(CompanyUsageSummary).values(enterprise_account_id=company_id, day=now.date())
                            .on_conflict_do_nothing().returning(CompanyUsageSummary.day)).first()
        company = s.get(EnterpriseAccount, company_id)
        if claimed is None or company is None:
            return 0
        url = get_settings().public_url.rstrip("/") + "/business/esims"
        context = {"company_name": company.company_name, "day": f"{now:%Y-%m-%d}", "esims_url": url,
                   "counts": [(STATUS_LABELS[name], n) for name, n in counts.items()],
                   **_figures(s, company_id, now), "top": _top(s, company_id)}
        context["used"] = format_data_size(context.pop("used_mb"))
        recipients = _recipients(s, company)
        for address in recipients:
            enqueue_email(s, to=address, template="company_usage_summary", context=context)
        return len(recipients)


def send_usage_summaries(now: dt.datetime | None = None) -> int:
    """Email today's usage summary to each company with eSIMs in use, once a day; the emails queued."""
    now = now or utcnow()
    with db.session() as s:
        companies = _companies(s, now)
    return sum(_send_one(company_id, now) for company_id in companies)
