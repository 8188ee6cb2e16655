"""A company's credit ledger: charges, payments and credit notes, and the credit still available.

Every change that can raise what a company owes runs with the company row locked
(`SELECT ... FOR UPDATE` in `lock_company`), in the same transaction that writes the charge, so
two orders placed at the same moment are checked one after the other and can never together go
past the credit limit. Amounts are positive; `outstanding = charges - payments - credit notes`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.core.models import EnterpriseAccount, LedgerEntry, LedgerKind
from services.core.money import format_money
from services.core.settings import get_settings
from services.enterprise.errors import CompanyInactive, CreditLimitExceeded, InvalidAmount
from services.notifications import enqueue_email

ALERT_SHARE = (4, 5)  # 80 %: the alert email goes out when outstanding reaches this share of the limit
MAX_AMOUNT_CENTS = 1_000_000_000  # 10 million in the currency: a typo guard for staff input


@dataclass(frozen=True, slots=True)
class Credit:
    limit_cents: int
    outstanding_cents: int
    currency: str

    @property
    def available_cents(self) -> int:
        return max(0, self.limit_cents - self.outstanding_cents)


def lock_company(s: Session, company_id: int, *, active: bool = True) -> EnterpriseAccount:
    """The company row, locked until the transaction ends; `CompanyInactive` if suspended (when `active`)."""
    company = s.exec(select(EnterpriseAccount).where(col(EnterpriseAccount.id) == company_id)
                     .with_for_update()).first()
    if company is None or (active and company.status != "active"):
        raise CompanyInactive(f"company {company_id} is missing or not active")
    return company


def outstanding_cents(s: Session, company_id: int) -> int:
    signed = sa.case((col(LedgerEntry.kind) == LedgerKind.CHARGE, col(LedgerEntry.amount_cents)),
                     else_=-col(LedgerEntry.amount_cents))
    total = s.exec(select(sa.func.coalesce(sa.func.sum(signed), 0))
                   .where(col(LedgerEntry.enterprise_account_id) == company_id)).one()
    return int(total)


def credit(s: Session, company: EnterpriseAccount) -> Credit:
    return Credit(company.credit_limit_cents, outstanding_cents(s, company.id), company.currency)  # type: ignore[arg-type]


def check_amount(amount_cents: int) -> int:
    if not isinstance(amount_cents, int) or not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise InvalidAmount(f"amount {amount_cents!r} out of range")
    return amount_cents


def charge(s: Session, company: EnterpriseAccount, amount_cents: int, *, bulk_order_id: int,
           user_id: int | None, note: str) -> LedgerEntry:
    """Charge an order to the account if it fits in the available credit. The caller holds the company lock."""
    available = credit(s, company).available_cents
    if amount_cents > available:
        raise CreditLimitExceeded(f"company {company.id}: {amount_cents} over {available} available",
                                  available=format_money(available, company.currency))
    entry = LedgerEntry(enterprise_account_id=company.id, kind=LedgerKind.CHARGE, amount_cents=amount_cents,  # type: ignore[arg-type]
                        currency=company.currency, bulk_order_id=bulk_order_id, note=note[:500],
                        enterprise_user_id=user_id)
    s.add(entry)
    s.flush()
    update_alert(s, company)
    return entry


def add_entry(s: Session, company: EnterpriseAccount, kind: LedgerKind, amount_cents: int, *, note: str,
              admin_id: int | None = None, bulk_order_id: int | None = None) -> LedgerEntry:
    """A payment or credit note (lowers what is owed). The caller holds the company lock."""
    entry = LedgerEntry(enterprise_account_id=company.id, kind=kind, amount_cents=check_amount(amount_cents),  # type: ignore[arg-type]
                        currency=company.currency, note=note[:500], admin_id=admin_id, bulk_order_id=bulk_order_id)
    s.add(entry)
    s.flush()
    update_alert(s, company)
    return entry


def _over_alert(state: Credit) -> bool:
    share, whole = ALERT_SHARE
    return state.limit_cents > 0 and state.outstanding_cents * whole >= state.limit_cents * share


def update_alert(s: Session, company: EnterpriseAccount) -> bool:
    """Email the company once when it crosses 80 % of its limit; re-arm when it is back under. True if sent."""
    state = credit(s, company)
    if not _over_alert(state):
        company.credit_alert_at = None
        return False
    if company.credit_alert_at is not None:
        return False
    company.credit_alert_at = dt.datetime.now(dt.UTC)
    settings = get_settings()
    base = settings.public_url.rstrip("/")
    enqueue_email(s, to=company.contact_email, template="credit_alert", context={
        "company_name": company.company_name,
        "used_percent": state.outstanding_cents * 100 // state.limit_cents,
        "outstanding": format_money(state.outstanding_cents, state.currency),
        "limit": format_money(state.limit_cents, state.currency),
        "available": format_money(state.available_cents, state.currency),
        "billing_url": f"{base}/business/billing",
    })
    return True
