"""Companies, the staff side: the list, creating a company (its contact is invited), suspending and
reactivating one.

Any staff member reads the list; owners, operations and finance create, suspend and reactivate.
Every change is in the staff audit log with the values before and after, and in the company's log.
A suspended company's users cannot sign in, and their sessions stop resolving at their next event
(`services.accounts.sessions.resolve_session` checks the company's status on every request).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select

from services.accounts.sessions import Identity
from services.accounts.staff_access import record as staff_record
from services.core import db
from services.core.models import EnterpriseAccount, EnterpriseQuote, EnterpriseUser, QuoteStatus
from services.enterprise import companies
from services.enterprise.audit import record
from services.enterprise.errors import CompanyNotFound
from services.enterprise.quote_pricing import PRICERS, staff_of

MANAGERS = PRICERS  # owners, operations and finance
MAX_QUERY = 100


@dataclass(frozen=True)
class CompanySummary:
    ref: str
    name: str
    contact_email: str
    status: str  # active, suspended
    credit_limit_cents: int
    currency: str
    users: int
    open_quotes: int  # requested (waiting for staff) or priced (waiting for the company)
    created_at: dt.datetime


@dataclass(frozen=True)
class CompanyPage:
    rows: tuple[CompanySummary, ...]
    total: int


def list_companies(identity: Identity, *, query: str = "", page: int = 0, page_size: int = 25) -> CompanyPage:
    """Companies by name, optionally those whose name or contact contains `query` (any staff role)."""
    staff_of(identity)
    page_size = max(1, min(page_size, 100))
    where = [sa.true()]
    text = query.strip()[:MAX_QUERY].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if text:
        where = [sa.or_(col(EnterpriseAccount.company_name).ilike(f"%{text}%", escape="\\"),
                        col(EnterpriseAccount.contact_email).ilike(f"%{text}%", escape="\\"))]
    users = (select(sa.func.count()).where(col(EnterpriseUser.enterprise_account_id) == EnterpriseAccount.id)
             .scalar_subquery())
    open_quotes = (select(sa.func.count()).where(col(EnterpriseQuote.enterprise_account_id) == EnterpriseAccount.id)
                   .where(col(EnterpriseQuote.status).in_((QuoteStatus.REQUESTED, QuoteStatus.PRICED)))
                   .scalar_subquery())
    with db.session() as s:
        total = s.exec(select(sa.func.count()).select_from(EnterpriseAccount).where(*where)).one()
        rows = s.exec(select(EnterpriseAccount, users, open_quotes).where(*where)
                      .order_by(sa.func.lower(EnterpriseAccount.company_name), col(EnterpriseAccount.id))
                      .offset(max(0, page) * page_size).limit(page_size)).all()
    return CompanyPage(tuple(_summary(c, n, q) for c, n, q in rows), total)


def _summary(company: EnterpriseAccount, users: int, open_quotes: int) -> CompanySummary:
    return CompanySummary(ref=company.display_id or "", name=company.company_name, contact_email=company.contact_email,
                          status=company.status, credit_limit_cents=company.credit_limit_cents,
                          currency=company.currency, users=users, open_quotes=open_quotes,
                          created_at=company.created_at or dt.datetime.now(dt.UTC))


def create_company(identity: Identity, name: str, contact_email: str, *, credit_limit_cents: int,
                   ip: str | None) -> CompanySummary:
    """A new active company; its contact becomes its first admin and is emailed an invitation."""
    admin_id = staff_of(identity, MANAGERS)
    with db.session() as s, s.begin():
        created = companies.create_in(s, name, contact_email, credit_limit_cents=credit_limit_cents)
        company = s.get(EnterpriseAccount, created.company_id)
        staff_record(s, admin_id, "company_created", entity="company", entity_id=created.company_ref, ip=ip,
                     before=None, after={"name": company.company_name,  # type: ignore[union-attr]
                                         "contact_email": created.email, "credit_limit_cents": credit_limit_cents,
                                         "status": "active"}, company_id=created.company_id)
        return _summary(company, 1, 0)  # type: ignore[arg-type]


def set_company_status(identity: Identity, company_ref: str, *, suspended: bool, ip: str | None) -> CompanySummary:
    """Suspend (its users are signed out at their next event and cannot sign in) or reactivate a company."""
    admin_id, wanted = staff_of(identity, MANAGERS), "suspended" if suspended else "active"
    with db.session() as s, s.begin():
        company = s.exec(select(EnterpriseAccount).where(col(EnterpriseAccount.display_id) == str(company_ref)[:32])
                         .with_for_update()).first()
        if company is None:
            raise CompanyNotFound(f"no company {str(company_ref)[:32]!r}")
        before, company.status = company.status, wanted
        if before != wanted:
            action = "company_suspended" if suspended else "company_reactivated"
            staff_record(s, admin_id, action, entity="company", entity_id=company.display_id or company.id or "",
                         ip=ip, before={"status": before}, after={"status": wanted}, company_id=company.id)
            record(s, company.id, actor_type="admin", actor_id=admin_id, action=action,  # type: ignore[arg-type]
                   entity_type="company", entity_id=company.display_id or "", ip=ip,
                   details={"before": before, "after": wanted})
        s.flush()
        users, open_quotes = s.exec(select(
            select(sa.func.count()).where(col(EnterpriseUser.enterprise_account_id) == company.id).scalar_subquery(),
            select(sa.func.count()).where(col(EnterpriseQuote.enterprise_account_id) == company.id)
            .where(col(EnterpriseQuote.status).in_((QuoteStatus.REQUESTED, QuoteStatus.PRICED))).scalar_subquery(),
        )).one()
        return _summary(company, users, open_quotes)
