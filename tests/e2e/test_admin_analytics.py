"""The owner signs in with password and TOTP; the admin home shows the revenue of orders the test
placed, a range switch changes the figures, and the revenue chart is drawn."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid

import pyotp
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from services.accounts import passwords
from services.core import db, format_money
from services.core.models import Order, OrderStatus, Package, User
from tests.support.staff import staff_sign_in, totp_secret

PASSWORD = "a long owner passphrase"


def _place_paid_orders() -> None:
    """Two paid orders of a new customer: one today (USD), one 20 days ago (EUR, with its USD price)."""
    now = dt.datetime.now(dt.UTC)
    tag = uuid.uuid4().hex[:8]
    with db.session() as s, s.begin():
        user = User(email=f"buyer-{tag}@example.com")
        package = Package(slug=f"e2e-{tag}", provider_id="airalo", provider_package_id=f"e2e-{tag}", kind="local",
                          destination_code="JP", destination_name="Japan", name="Japan 3 GB 15 days", data_mb=3072,
                          validity_days=15, cost_micros=4_000_000, price_cents=799, group_key=f"e2e-{tag}",
                          is_enabled=False, auto_mode=False, vanished_at=now)  # a plan no longer sold: the
        # storefront and the other tests (margins, purchase) never see it; its orders still count
        s.add_all([user, package])
        s.flush()
        for at, price, currency, base in ((now - dt.timedelta(minutes=1), 1234, "USD", 1234),
                                          (now - dt.timedelta(days=20), 4500, "EUR", 5000)):
            s.add(Order(user_id=user.id, package_id=package.id, client_reference=uuid.uuid4().hex, price_cents=price,
                        currency=currency, base_price_cents=base, status=OrderStatus.COMPLETED, provider_id="airalo",
                        provider_order_id=f"po-{uuid.uuid4().hex[:8]}", cost_micros=4_000_000, created_at=at))


def _revenue_since(days: int) -> str:
    """Revenue of paid orders placed in the last `days` UTC days, by plain SQL, as the page shows it."""
    start = dt.datetime.combine(dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days - 1), dt.time(), dt.UTC)
    with db.get_engine().connect() as conn:
        cents = conn.execute(sa.text("SELECT COALESCE(sum(base_price_cents), 0) FROM orders WHERE created_at >= :t "
                                     "AND status NOT IN ('pending', 'cancelled')"), {"t": start}).scalar_one()
    return format_money(int(cents), "USD")


def _sign_in_owner(page: Page, app_url: str) -> None:
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    admin_id = passwords.create_admin(email, PASSWORD, name="Olive")
    staff_sign_in(email, PASSWORD)  # enrols TOTP; the browser signs in with the app's next code
    totp = pyotp.TOTP(totp_secret(admin_id))
    page.goto(app_url + "/admin")
    expect(page).to_have_url(re.compile(r"/admin/login\?next=%2Fadmin$"))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("totp-input").fill(totp.generate_otp(totp.timecode(time.time()) + 1))
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))


def test_the_owner_sees_the_revenue_of_new_orders_and_switches_the_range(app_url: str, page: Page) -> None:
    _place_paid_orders()
    _sign_in_owner(page, app_url)
    revenue = page.get_by_test_id("kpi-revenue-value")
    expect(revenue).to_have_text(_revenue_since(30))
    expect(page.get_by_test_id("kpi-margin")).to_contain_text("of revenue after refunds")
    expect(page.get_by_test_id("kpi-orders")).to_be_visible()
    expect(page.get_by_test_id("revenue-chart").get_by_role("application")).to_be_visible()  # the chart's svg
    expect(page.get_by_test_id("revenue-chart").locator(".recharts-area")).to_have_count(2)
    page.get_by_test_id("range-select").select_option("today")
    expect(revenue).to_have_text(_revenue_since(1))
    assert _revenue_since(1) != _revenue_since(30)  # the order of 20 days ago left the range
    page.get_by_test_id("range-select").select_option("7d")
    expect(revenue).to_have_text(_revenue_since(7))
    with page.expect_download() as download:  # a real download, with the browser's staff cookie
        page.get_by_test_id("export-destinations").click()
    assert download.value.suggested_filename.startswith("admin-destinations-")
    with open(download.value.path(), encoding="utf-8") as csv:
        assert csv.readline().strip() == "key,name,orders,revenue_usd,refunds_usd,margin_usd"
        assert "JP,Japan," in csv.read()
