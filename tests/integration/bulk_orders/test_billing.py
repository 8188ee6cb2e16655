"""The company's overview and billing, and staff recording payments, limits and tiers (audited)."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import col, select

from services.accounts.errors import NotPermitted
from services.accounts.sessions import Identity
from services.core import db
from services.core.models import Admin, AuditLog, EnterpriseAccount, Package, Role
from services.core.money import format_money
from services.enterprise import billing, company_audit, purchasing, staff_billing
from services.enterprise.bulk import BulkLine
from services.enterprise.errors import InvalidTier, RoleNotAllowed
from tests.integration.bulk_orders.conftest import new_company, teammate


def staff(role: str) -> Identity:
    with db.session() as s, s.begin():
        admin = Admin(email=f"staff-{uuid.uuid4().hex[:8]}@example.com", password_hash="x", staff_role=role)
        s.add(admin)
        s.flush()
        admin_id = admin.id
    roles = ("owner", "operations", "support", "finance") if role == "owner" else (role,)
    return Identity(role=Role.ADMIN, principal_id=admin_id, email="", display_name="", session_id=0, roles=roles)  # type: ignore[arg-type]


def _ref(company_id: int) -> str:
    with db.session() as s:
        return s.get(EnterpriseAccount, company_id).display_id  # type: ignore[union-attr,return-value]


def test_overview_and_billing_follow_the_ledger(plan: Package) -> None:
    who = new_company(credit_limit_cents=plan.price_cents * 10)
    purchasing.place(who, [BulkLine(plan.id, 4)], payment="account", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    home = billing.overview(teammate(who, "viewer"))
    assert home.spend_this_month == format_money(plan.price_cents * 4, "USD")
    assert home.credit_available == format_money(plan.price_cents * 6, "USD")
    assert home.orders_in_progress == 1 and home.quotes_waiting == 0
    books = billing.billing(teammate(who, "finance"))
    assert books.used_percent == 40 and len(books.entries) == 1 and books.entries[0].kind == "Charge"
    assert len(books.statements) == 1 and books.statements[0].closing == format_money(plan.price_cents * 4, "USD")
    month = billing.statement(who, books.statements[0].month)
    assert len(month.entries) == 1 and month.opening == format_money(0, "USD")
    for role in ("viewer", "operations"):
        with pytest.raises(RoleNotAllowed):
            billing.billing(teammate(who, role))


def test_staff_record_a_payment_change_the_limit_and_tiers_with_an_audit_trail(plan: Package) -> None:
    who = new_company(credit_limit_cents=plan.price_cents * 10)
    purchasing.place(who, [BulkLine(plan.id, 9)], payment="account", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    ref, finance = _ref(who.company_id), staff("finance")  # type: ignore[arg-type]
    view = staff_billing.record_entry(finance, ref, kind="payment", amount_cents=plan.price_cents * 5, note="wire 42")
    assert view.outstanding == format_money(plan.price_cents * 4, "USD")
    view = staff_billing.set_credit_limit(staff("owner"), ref, plan.price_cents * 20)
    assert view.available == format_money(plan.price_cents * 16, "USD")
    view = staff_billing.set_tiers(finance, ref, [(100, 1000), (10, 500)])
    assert [(t.min_quantity, t.percent) for t in view.tiers] == [(10, "5"), (100, "10")]
    with pytest.raises(InvalidTier):
        staff_billing.set_tiers(finance, ref, [(10, 500), (10, 900)])
    operations = staff("operations")
    assert staff_billing.company(operations, ref).name  # reads
    with pytest.raises(NotPermitted):
        staff_billing.record_entry(operations, ref, kind="payment", amount_cents=100, note="")
    with pytest.raises(NotPermitted):
        staff_billing.company(staff("support"), ref)
    with db.session() as s:
        rows = s.exec(select(AuditLog).where(col(AuditLog.actor_id) == finance.principal_id,
                                             col(AuditLog.actor_type) == "admin").order_by(col(AuditLog.id))).all()
        details, entities = [a.details for a in rows], [(a.entity_type, a.entity_id) for a in rows]
    assert details[0]["before"] == {"outstanding_cents": plan.price_cents * 9}
    assert details[0]["after"] == {"outstanding_cents": plan.price_cents * 4}
    assert details[1]["after"] == {"tiers": [[10, 500], [100, 1000]]} and entities[1] == ("enterprise_account", ref)


def test_staff_money_changes_are_in_the_companys_own_log(plan: Package) -> None:
    # given a company, and finance staff recording a payment and the owner raising its limit
    who = new_company(credit_limit_cents=plan.price_cents * 10)
    purchasing.place(who, [BulkLine(plan.id, 2)], payment="account", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    ref = _ref(who.company_id)  # type: ignore[arg-type]
    staff_billing.record_entry(staff("finance"), ref, kind="payment", amount_cents=plan.price_cents, note="wire 7")
    staff_billing.set_credit_limit(staff("owner"), ref, plan.price_cents * 20)
    # then the company's admins read both, by "Store staff", with no staff address
    rows = company_audit.list_company_audit(who, action="enterprise.").rows
    assert [(r.action, r.actor, r.ip) for r in rows] == [("enterprise.credit_limit", "Store staff", ""),
                                                          ("enterprise.ledger_payment", "Store staff", "")]
    assert [r.action for r in company_audit.list_company_audit(who, action="bulk_order").rows] == ["bulk_order_placed"]
