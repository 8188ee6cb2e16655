"""Placing bulk orders: tier prices, one order per key or quote, the credit limit held under races."""

from __future__ import annotations

import threading
import uuid

import pytest

from services.core import db
from services.core.models import BulkOrder, EnterpriseAccount, Package, VolumeTier
from services.enterprise import bulk, ledger, purchasing
from services.enterprise.bulk import BulkLine
from services.enterprise.errors import (
    CompanyInactive,
    CreditLimitExceeded,
    InvalidBulkOrder,
    RoleNotAllowed,
)
from tests.integration.bulk_orders.conftest import count, new_company, teammate


def _key() -> str:
    return uuid.uuid4().hex


def test_on_account_order_is_charged_and_queues_one_paid_order_per_esim(plan: Package) -> None:
    who = new_company(credit_limit_cents=plan.price_cents * 10)
    view = purchasing.place(who, [BulkLine(plan.id, 3)], payment="account", key=_key())  # type: ignore[arg-type]
    assert view.status == "provisioning" and view.quantity == 3 and view.progress_text == "0 of 3"
    assert view.total_cents == plan.price_cents * 3
    assert count("SELECT count(*) FROM orders WHERE bulk_order_id = :b AND status = 'paid'"
                 " AND enterprise_account_id = :c AND user_id IS NULL", b=view.id, c=who.company_id) == 3
    assert count("SELECT sum(amount_cents) FROM ledger_entries WHERE bulk_order_id = :b AND kind = 'charge'",
                 b=view.id) == view.total_cents


def test_volume_tier_lowers_the_unit_price_from_its_quantity(plan: Package) -> None:
    who = new_company(credit_limit_cents=10_000_000)
    with db.session() as s, s.begin():
        s.add(VolumeTier(enterprise_account_id=who.company_id, min_quantity=5, discount_bp=1000))
        s.add(VolumeTier(enterprise_account_id=who.company_id, min_quantity=10, discount_bp=2000))
    small = purchasing.place(who, [BulkLine(plan.id, 4)], payment="account", key=_key())  # type: ignore[arg-type]
    tiered = purchasing.place(who, [BulkLine(plan.id, 5)], payment="account", key=_key())  # type: ignore[arg-type]
    assert small.total_cents == plan.price_cents * 4
    assert tiered.total_cents == bulk.tier_price(plan.price_cents, 1000) * 5
    assert bulk.tier_price(1000, 1250) == 875 and bulk.tier_price(999, 1000) == 899  # half up


def test_same_key_or_quote_gives_one_order_even_from_two_threads(plan: Package) -> None:
    who = new_company(credit_limit_cents=plan.price_cents * 100)
    key, results, errors = _key(), [], []

    def place(k: str) -> None:
        try:
            results.append(purchasing.place(who, [BulkLine(plan.id, 2)], payment="account", key=k, quote_id=4242))  # type: ignore[arg-type]
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=place, args=(key if i < 3 else _key(),)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({r.ref for r in results}) == 1  # same key, or another key for the same quote
    assert count("SELECT count(*) FROM bulk_orders WHERE enterprise_account_id = :c", c=who.company_id) == 1
    assert count("SELECT count(*) FROM orders o JOIN bulk_orders b ON b.id = o.bulk_order_id"
                 " WHERE b.enterprise_account_id = :c", c=who.company_id) == 2
    assert count("SELECT count(*) FROM ledger_entries WHERE enterprise_account_id = :c", c=who.company_id) == 1


def test_two_concurrent_orders_over_the_credit_limit_exactly_one_succeeds(plan: Package) -> None:
    """Each order fits alone, both together do not: the company row lock lets exactly one through."""
    who = new_company(credit_limit_cents=plan.price_cents * 5)
    start, outcomes = threading.Barrier(2), []

    def place() -> None:
        start.wait()
        try:
            outcomes.append(purchasing.place(who, [BulkLine(plan.id, 3)], payment="account", key=_key()))  # type: ignore[arg-type]
        except CreditLimitExceeded as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=place) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    refused = [o for o in outcomes if isinstance(o, CreditLimitExceeded)]
    assert len(outcomes) == 2 and len(refused) == 1
    assert refused[0].code == "enterprise_credit_exceeded" and refused[0].params["available"]
    with db.session() as s:
        company = s.get(EnterpriseAccount, who.company_id)
        state = ledger.credit(s, company)  # type: ignore[arg-type]
    assert state.outstanding_cents == plan.price_cents * 3 <= state.limit_cents
    assert count("SELECT count(*) FROM bulk_orders WHERE enterprise_account_id = :c", c=who.company_id) == 1


def test_credit_alert_is_emailed_once_per_crossing_of_80_percent(plan: Package) -> None:
    who = new_company(credit_limit_cents=plan.price_cents * 10)
    for quantity in (7, 1, 1):  # 70 %, 80 % (alert), 90 % (no second alert)
        purchasing.place(who, [BulkLine(plan.id, quantity)], payment="account", key=_key())  # type: ignore[arg-type]
    with db.session() as s, s.begin():
        company = ledger.lock_company(s, who.company_id)  # type: ignore[arg-type]
        ledger.add_entry(s, company, "payment", plan.price_cents * 5, note="wire")  # back to 40 %: re-armed
        contact = company.contact_email
    purchasing.place(who, [BulkLine(plan.id, 4)], payment="account", key=_key())  # type: ignore[arg-type]
    assert count("SELECT count(*) FROM email_outbox WHERE to_address = :a AND template = 'credit_alert'",
                 a=contact) == 2


def test_roles_suspension_and_bad_input_are_refused(plan: Package) -> None:
    who = new_company(credit_limit_cents=plan.price_cents * 10)
    for role in ("viewer", "finance"):
        with pytest.raises(RoleNotAllowed):
            purchasing.place(teammate(who, role), [BulkLine(plan.id, 1)], payment="account", key=_key())  # type: ignore[arg-type]
    purchasing.place(teammate(who, "operations"), [BulkLine(plan.id, 1)], payment="account", key=_key())  # type: ignore[arg-type]
    for lines, payment in (([], "account"), ([BulkLine(plan.id, 0)], "account"),  # type: ignore[arg-type]
                           ([BulkLine(plan.id, 5001)], "account"), ([BulkLine(plan.id, 1)], "cash")):  # type: ignore[arg-type]
        with pytest.raises(InvalidBulkOrder):
            purchasing.place(who, lines, payment=payment, key=_key())
    with db.session() as s, s.begin():
        s.get(EnterpriseAccount, who.company_id).status = "suspended"
    with pytest.raises(CompanyInactive):
        purchasing.place(who, [BulkLine(plan.id, 1)], payment="account", key=_key())  # type: ignore[arg-type]


def test_card_order_waits_for_payment_without_touching_credit(plan: Package) -> None:
    who = new_company(credit_limit_cents=0)
    view = purchasing.place(who, [BulkLine(plan.id, 2)], payment="card", key=_key())  # type: ignore[arg-type]
    assert view.status == "pending"
    assert count("SELECT count(*) FROM orders WHERE bulk_order_id = :b", b=view.id) == 0
    assert count("SELECT count(*) FROM ledger_entries WHERE enterprise_account_id = :c", c=who.company_id) == 0
    with db.session() as s:
        assert s.get(BulkOrder, view.id).payment_method == "card"  # type: ignore[union-attr]
