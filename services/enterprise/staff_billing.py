"""Company billing for staff: one company's ledger, recording payments and credit notes, the credit
limit and the volume tiers.

Owners and finance staff change things; operations staff read. Each change runs with the company
row locked and is audited (`services.accounts.staff_access.record`) with the values before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from services.accounts.sessions import Identity
from services.accounts.staff_access import record, require
from services.core import db
from services.core.models import EnterpriseAccount, LedgerKind, StaffRole, VolumeTier
from services.core.money import format_money
from services.enterprise import billing, ledger
from services.enterprise.errors import CompanyNotFound, InvalidAmount, InvalidTier

READ_ROLES = (StaffRole.OWNER.value, StaffRole.FINANCE.value, StaffRole.OPERATIONS.value)
WRITE_ROLES = (StaffRole.OWNER.value, StaffRole.FINANCE.value)
MAX_TIERS = 10
MAX_DISCOUNT_BP = 9_000


@dataclass(frozen=True, slots=True)
class TierView:
    min_quantity: int
    discount_bp: int

    @property
    def percent(self) -> str:
        return f"{self.discount_bp / 100:g}"


@dataclass(frozen=True, slots=True)
class StaffCompanyView:
    ref: str
    name: str
    status: str
    contact_email: str
    currency: str
    credit_limit_cents: int
    credit_limit: str
    outstanding: str
    available: str
    tiers: tuple[TierView, ...]
    entries: tuple[billing.EntryView, ...]


def _staff(identity: Identity, roles: tuple[str, ...]) -> int:
    return require(identity, roles).principal_id


def _company_id(s: Session, company_ref: str) -> int:
    found = s.exec(select(EnterpriseAccount.id).where(col(EnterpriseAccount.display_id) == company_ref[:16])).first()
    if found is None:
        raise CompanyNotFound(f"no company {company_ref!r}")
    return int(found)


def _tiers(s: Session, company_id: int) -> tuple[TierView, ...]:
    rows = s.exec(select(VolumeTier).where(col(VolumeTier.enterprise_account_id) == company_id)
                  .order_by(col(VolumeTier.min_quantity))).all()
    return tuple(TierView(t.min_quantity, t.discount_bp) for t in rows)


def company(identity: Identity, company_ref: str) -> StaffCompanyView:
    _staff(identity, READ_ROLES)
    with db.session() as s:
        company_id = _company_id(s, company_ref)
        found = s.get(EnterpriseAccount, company_id)
        state = ledger.credit(s, found)  # type: ignore[arg-type]
        money = lambda cents: format_money(cents, state.currency)  # noqa: E731
        return StaffCompanyView(found.display_id or "", found.company_name, found.status, found.contact_email,  # type: ignore[union-attr]
                                state.currency, state.limit_cents, money(state.limit_cents),
                                money(state.outstanding_cents), money(state.available_cents), _tiers(s, company_id),
                                billing.ledger_entries(s, company_id))


def _audit_change(s: Session, admin_id: int, action: str, company: EnterpriseAccount, *, ip: str | None,
                  before: dict, after: dict, **extra: object) -> None:
    record(s, admin_id, action, entity="enterprise_account", entity_id=company.display_id or company.id or "",
           ip=ip, before=before, after=after, in_company_log=company.id, **extra)


def record_entry(identity: Identity, company_ref: str, *, kind: str, amount_cents: int, note: str,
                 ip: str | None = None) -> StaffCompanyView:
    """Record a payment received (or a credit note) against the company's balance."""
    admin_id = _staff(identity, WRITE_ROLES)
    if kind not in (LedgerKind.PAYMENT, LedgerKind.CREDIT_NOTE):
        raise InvalidAmount(f"entry kind {kind!r}")
    with db.session() as s, s.begin():
        found = ledger.lock_company(s, _company_id(s, company_ref), active=False)
        before = ledger.outstanding_cents(s, found.id)  # type: ignore[arg-type]
        entry = ledger.add_entry(s, found, LedgerKind(kind), amount_cents, note=note.strip(), admin_id=admin_id)
        _audit_change(s, admin_id, f"enterprise.ledger_{kind}", found, ip=ip, before={"outstanding_cents": before},
                      after={"outstanding_cents": before - entry.amount_cents}, amount_cents=entry.amount_cents,
                      note=entry.note)
    return company(identity, company_ref)


def set_credit_limit(identity: Identity, company_ref: str, limit_cents: int, *, ip: str | None = None) -> StaffCompanyView:
    admin_id = _staff(identity, WRITE_ROLES)
    if not isinstance(limit_cents, int) or not 0 <= limit_cents <= ledger.MAX_AMOUNT_CENTS:
        raise InvalidAmount(f"credit limit {limit_cents!r}")
    with db.session() as s, s.begin():
        found = ledger.lock_company(s, _company_id(s, company_ref), active=False)
        before, found.credit_limit_cents = found.credit_limit_cents, limit_cents
        s.add(found)
        s.flush()
        ledger.update_alert(s, found)
        _audit_change(s, admin_id, "enterprise.credit_limit", found, ip=ip, before={"credit_limit_cents": before},
                      after={"credit_limit_cents": limit_cents})
    return company(identity, company_ref)


def _check_tiers(tiers: list[tuple[int, int]]) -> list[tuple[int, int]]:
    quantities = [q for q, _ in tiers]
    if (len(tiers) > MAX_TIERS or len(set(quantities)) != len(quantities)
            or any(not isinstance(q, int) or not isinstance(bp, int) or q < 1 or not 1 <= bp <= MAX_DISCOUNT_BP
                   for q, bp in tiers)):
        raise InvalidTier(f"tiers {tiers!r}")
    return sorted(tiers)


def set_tiers(identity: Identity, company_ref: str, tiers: list[tuple[int, int]], *,
              ip: str | None = None) -> StaffCompanyView:
    """Replace the company's volume tiers: (from this many eSIMs in one order, discount in basis points)."""
    admin_id = _staff(identity, WRITE_ROLES)
    wanted = _check_tiers(tiers)
    with db.session() as s, s.begin():
        found = ledger.lock_company(s, _company_id(s, company_ref), active=False)
        before = [[t.min_quantity, t.discount_bp] for t in _tiers(s, found.id)]  # type: ignore[arg-type]
        s.exec(delete(VolumeTier).where(col(VolumeTier.enterprise_account_id) == found.id))  # type: ignore[call-overload]
        for quantity, discount in wanted:
            s.add(VolumeTier(enterprise_account_id=found.id, min_quantity=quantity, discount_bp=discount))  # type: ignore[arg-type]
        _audit_change(s, admin_id, "enterprise.volume_tiers", found, ip=ip, before={"tiers": before},
                      after={"tiers": [list(t) for t in wanted]})
    return company(identity, company_ref)
