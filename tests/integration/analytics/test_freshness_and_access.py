"""The rollups follow every later change (a refund of an old order, a buyer's earlier order paid late),
the base-currency price cannot be left out, and each staff role sees only its part of the home."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from services import admin
from services.accounts.sessions import Identity
from services.admin import analytics
from services.core import db
from services.core.models import Order, PaymentRefund, User
from services.jobs import scheduler
from tests.integration.analytics.test_figures import actual, expected
from tests.support.analytics import seed_shop, staff

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def shop():
    return seed_shop(NOW, orders=120, seed=5)


async def _agrees(period: str = "30d") -> analytics.Totals:
    board = await admin.load_dashboard(staff("owner"), period=period)
    assert actual(board.money.current) == expected(board.period)
    assert actual(board.money.previous) == expected(board.previous)
    return board.money.current


async def test_a_refund_today_of_an_old_order_and_a_late_paid_earlier_order_both_show(shop):
    before = await _agrees()
    with db.session() as s, s.begin():
        old = s.execute(sa.select(Order).where(Order.status == "completed", Order.created_at < NOW - dt.timedelta(days=40))
                        .limit(1)).scalar_one()
        s.add(PaymentRefund(refund_id=f"re_{uuid.uuid4().hex[:10]}", order_id=old.id, amount_cents=1))
        # a new customer's order paid for today, then an earlier pending one of theirs that gets paid late:
        user = User(email=f"late-{uuid.uuid4().hex[:6]}@example.com")
        s.add(user)
        s.flush()
        for at in (NOW - dt.timedelta(minutes=5), NOW - dt.timedelta(days=45)):
            s.add(Order(user_id=user.id, package_id=old.package_id, client_reference=uuid.uuid4().hex,
                        price_cents=700, status="completed", created_at=at, provider_id="alpha", cost_micros=1))
    after = await _agrees()
    assert after.refunds == before.refunds + 1
    assert after.paying_customers == before.paying_customers + 1
    assert after.new_customers == before.new_customers  # their first order is 45 days old: not new this month
    await _agrees("12m")


async def test_the_rollup_job_rebuilds_changed_days_so_a_dashboard_load_has_nothing_left_to_do(shop):
    # given a refund paid out today, after the rollups were last brought up to date
    before = await _agrees()
    with db.session() as s, s.begin():
        order = s.execute(sa.select(Order).where(Order.status == "completed").limit(1)).scalar_one()
        s.add(PaymentRefund(refund_id=f"re_{uuid.uuid4().hex[:10]}", order_id=order.id, amount_cents=1))
    # when the scheduled job runs
    job = next(spec for spec in scheduler.job_specs() if spec.name == "analytics_rollups")
    result = await scheduler.run_job(job, registry=None)  # type: ignore[arg-type]  (it calls no provider)
    # then it rebuilt that day, a dashboard load rebuilds nothing, and the figures agree with plain SQL
    assert result is not None and result.processed >= 1
    assert analytics.refresh_rollups() == 0
    assert (await _agrees()).refunds == before.refunds + 1


def test_an_order_in_another_currency_needs_its_base_price(shop):
    with db.session() as s, s.begin():
        package_id = s.execute(sa.text("SELECT id FROM packages LIMIT 1")).scalar_one()
    with pytest.raises(sa.exc.IntegrityError), db.session() as s, s.begin():
        s.add(Order(package_id=package_id, client_reference=uuid.uuid4().hex, price_cents=900, currency="EUR"))
    with db.session() as s, s.begin():
        order = Order(package_id=package_id, client_reference=uuid.uuid4().hex, price_cents=900, currency="USD")
        s.add(order)
        s.flush()
        s.refresh(order)
        assert order.base_price_cents == 900


async def test_operations_and_support_see_the_lists_without_money(shop):
    for role in ("operations", "support"):
        board = await admin.load_dashboard(staff(role), period="7d")
        assert board.money is None
        assert {a.why for a in board.attention} == {"not_delivered", "failed", "refund_waiting"}
        assert board.incidents and all(i.order_ref for i in board.incidents)


async def test_strangers_customers_and_bad_ranges_are_refused(shop):
    customer = Identity(role="customer", principal_id=1, email="c@example.com", display_name="C", session_id=0)
    for who in (None, customer):
        with pytest.raises(admin.NotPermitted):
            await admin.load_dashboard(who)
    with pytest.raises(admin.NotPermitted):
        await admin.export_home_table(staff("support"), "providers")
    for start, end in (("2026-02-01", "2026-01-01"), ("yesterday", "2026-01-01"), ("2020-01-01", "2026-01-01")):
        with pytest.raises(admin.InvalidRange):
            await admin.load_dashboard(staff("owner"), period="custom", start=start, end=end)


async def test_csv_exports_are_safe_in_a_spreadsheet(shop):
    with db.session() as s, s.begin():
        s.execute(sa.text("UPDATE packages SET name = '=HYPERLINK(\"http://x\")' WHERE id = "
                          "(SELECT package_id FROM orders WHERE status = 'completed' ORDER BY created_at DESC LIMIT 1)"))
        s.execute(sa.text("UPDATE orders SET status = status WHERE status = 'completed'"))  # re-roll the days
    name, lines = await admin.export_home_table(staff("finance"), "plans", period="12m")
    text = "".join(lines)
    assert name.startswith("admin-plans-") and name.endswith(".csv")
    assert text.splitlines()[0] == "key,name,orders,revenue_usd,refunds_usd,margin_usd"
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    _, lines = await admin.export_home_table(staff("support"), "attention", period="7d")
    assert "refund_waiting" in "".join(lines)
