"""The admin dashboard's journey in Chromium, as one story (issue 11's "must show"): the first owner,
made with `esim create-admin`, signs in with password and enrols TOTP → the home shows the revenue of
the orders this test placed (and a range switch changes it) → the owner opens a paid order, refunds
it, sees the refund and the provider's answer on the timeline and the customer's email in
/sandbox/inbox → changes Japan's margin, previews, saves, and the storefront's Japan page shows the
new prices → switches a provider off and a new order is fulfilled by another → replies to the
customer's ticket, and the customer sees the reply."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import os
import pathlib
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pyotp
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from services.core import db, format_money
from services.core.models import Order, OrderStatus, Package, User
from services.orders import ordering
from tests.e2e.conftest import APP_ENV
from tests.e2e.helpers import app_registry, delivered_card_order, inbox_text
from tests.e2e.test_admin_refunds import app_stripe  # noqa: F401  (fixture)
from tests.support.orders import best_offer, order_row, paid_order
from tests.support.server import ROOT

PASSWORD = "the first owner's passphrase"
CODE = re.compile(r"\b(\d{6})\b")
T = TypeVar("T")


def _in_own_loop(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine function on its own event loop, away from Playwright's."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work()).result(timeout=120)


async def _card_order(user_id: int) -> str:
    """A customer's order paid by card on the app's localstripe and delivered by its simulators."""
    registry = app_registry()
    try:
        return order_row(await delivered_card_order(user_id, registry)).display_id
    finally:
        await registry.aclose()


def _earlier_order(user_id: int) -> None:
    """A paid order in EUR placed 20 days ago (of a plan no longer sold, so no storefront shows it)."""
    tag = uuid.uuid4().hex[:8]
    with db.session() as s, s.begin():
        package = Package(slug=f"e2e-{tag}", provider_id="airalo", provider_package_id=f"e2e-{tag}", kind="local",
                          destination_code="JP", destination_name="Japan", name="Japan 3 GB 15 days", data_mb=3072,
                          validity_days=15, cost_micros=4_000_000, price_cents=799, group_key=f"e2e-{tag}",
                          is_enabled=False, auto_mode=False, vanished_at=dt.datetime.now(dt.UTC))
        s.add(package)
        s.flush()
        s.add(Order(user_id=user_id, package_id=package.id, client_reference=uuid.uuid4().hex, price_cents=4500,
                    currency="EUR", base_price_cents=5000, status=OrderStatus.COMPLETED, provider_id="airalo",
                    provider_order_id=f"po-{tag}", cost_micros=4_000_000,
                    created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=20)))


def _revenue_since(days: int) -> int:
    """Revenue (USD cents) of paid orders placed in the last `days` UTC days, by plain SQL."""
    start = dt.datetime.combine(dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days - 1), dt.time(), dt.UTC)
    with db.get_engine().connect() as conn:
        return int(conn.execute(sa.text("SELECT COALESCE(sum(base_price_cents), 0) FROM orders WHERE created_at >= :t"
                                        " AND status NOT IN ('pending', 'cancelled')"), {"t": start}).scalar_one())


def _customer_opens_a_ticket(page: Page, app_url: str, email: str, subject: str) -> None:
    """The customer signs in with an emailed code and asks for help on /account/support."""
    page.goto(app_url + "/account/support")
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_text(f"We sent a 6-digit code to {email}")).to_be_visible()
    page.get_by_test_id("code-input").fill(CODE.search(inbox_text(page, app_url, email)).group(1))
    page.get_by_test_id("verify-code").click()
    expect(page).to_have_url(re.compile(r"/account/support/?$"))
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Message").fill("My eSIM shows no service in Osaka.")
    page.get_by_test_id("new-ticket").click()
    expect(page.get_by_test_id("ticket-row").filter(has_text=subject)).to_have_count(1)


def _first_owner_signs_in(page: Page, app_url: str) -> None:
    """`esim create-admin` makes the owner; the first sign-in asks for the password, then enrols TOTP."""
    email = f"first-owner-{uuid.uuid4().hex[:8]}@example.com"
    esim = str(pathlib.Path(sys.executable).with_name("esim"))
    made = subprocess.run([esim, "create-admin", email, "--name", "Olive", "--password-stdin"],
                          input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": APP_ENV["DATABASE_URL"], "ESIM_ENV": "test"},
                          timeout=120)
    assert made.returncode == 0 and "created" in made.stdout, made.stderr
    page.goto(app_url + "/admin")
    expect(page).to_have_url(re.compile(r"/admin/login\?next=%2Fadmin$"))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    secret = page.get_by_test_id("totp-secret")
    expect(secret).to_have_text(re.compile(r"^[A-Z2-7]{32}$"))
    expect(page.get_by_test_id("totp-qr")).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    page.get_by_test_id("totp-input").fill(pyotp.TOTP(secret.inner_text().strip()).now())
    page.get_by_test_id("totp-confirm").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_test_id("recovery-continue").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))


def _home_shows_the_revenue(page: Page, before: int, ours: int) -> None:
    revenue = page.get_by_test_id("kpi-revenue-value")
    assert _revenue_since(30) == before + ours  # by plain SQL: the orders this test placed, on top
    expect(revenue).to_have_text(format_money(before + ours, "USD"))
    expect(page.get_by_test_id("kpi-margin")).to_contain_text("of revenue after refunds")
    expect(page.get_by_test_id("revenue-chart").locator(".recharts-area")).to_have_count(2)
    page.get_by_test_id("range-select").select_option("today")
    expect(revenue).to_have_text(format_money(_revenue_since(1), "USD"))
    assert _revenue_since(1) < _revenue_since(30)  # the order of 20 days ago left the range
    page.get_by_test_id("range-select").select_option("30d")
    expect(revenue).to_have_text(format_money(before + ours, "USD"))


def _refunds_the_order(page: Page, app_url: str, ref: str, customer: str) -> None:
    page.goto(app_url + "/admin/orders")
    page.get_by_test_id("order-search").fill(ref)
    page.get_by_test_id("order-search").press("Enter")
    row = page.get_by_test_id("order-row")
    expect(row).to_have_count(1)
    row.get_by_role("link", name=ref).click()
    expect(page).to_have_url(re.compile(rf"/admin/orders/{ref}$"))
    expect(page.get_by_test_id("order-status")).to_have_text("completed")
    events = page.get_by_test_id("timeline-event")
    expect(events.filter(has_text="eSIM delivered by the provider")).to_have_count(1)
    expect(events.filter(has_text=re.compile(r"Airalo: create order ok in \d+ ms"))).to_have_count(1)
    page.get_by_test_id("refund-order").click()
    page.get_by_test_id("action-note").fill("Trip cancelled, asked by phone")
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("order-status")).to_have_text("refunded")
    expect(events.filter(has_text="Refund by staff")).to_have_count(1)
    expect(events.filter(has_text="Refunded in full")).to_have_count(1)
    expect(page.get_by_test_id("refund-order")).to_have_count(0)  # nothing left to refund
    page.goto(app_url + "/sandbox/inbox")
    refunded = page.get_by_test_id("inbox-message").filter(has_text=f"Your order {ref} was refunded")
    expect(refunded.filter(has_text=customer)).to_have_count(1)


def _japan_prices() -> dict[str, int]:
    """Prices of the plans on sale on Japan's page (its local offers), by plan."""
    with db.get_engine().connect() as conn:
        return dict(conn.execute(sa.text(
            "SELECT slug, price_cents FROM packages WHERE destination_code = 'JP' AND is_enabled AND NOT is_topup"
            " AND vanished_at IS NULL")).all())


def _preview_japans_margin(page: Page, app_url: str, value: str) -> None:
    page.goto(app_url + "/admin/packages")
    page.get_by_test_id("margin-destination").select_option("dest:JP")
    page.get_by_test_id("margin-value").fill(value)
    page.get_by_test_id("preview-margin").click()


def _changes_japans_margin(page: Page, app_url: str) -> None:
    before = _japan_prices()
    _preview_japans_margin(page, app_url, "150")
    expect(page.get_by_test_id("price-preview-row").first).to_be_visible()
    expect(page.get_by_test_id("preview-summary")).to_contain_text("JP")
    assert _japan_prices() == before  # a preview stores nothing
    page.get_by_test_id("save-margin").click()
    expect(page.get_by_text("prices changed")).to_be_visible()
    after = _japan_prices()
    assert after and all(price > before.get(slug, 0) for slug, price in after.items())  # every plan dearer
    page.goto(app_url + "/destinations/japan")
    prices = page.get_by_test_id("plan-price")
    expect(prices.first).to_be_visible()
    shown = set(prices.all_inner_texts())
    assert shown and shown <= {format_money(p, "USD") for p in after.values()}, shown
    _preview_japans_margin(page, app_url, "")  # back to the default, through the app (its cache follows)
    page.get_by_test_id("save-margin").click()
    expect(page.get_by_text("prices changed")).to_be_visible()
    assert _japan_prices() == before


async def _new_order_in(group_key: str, user_id: int) -> tuple[str, str]:
    """A paid order for the group's offer on sale, fulfilled through the app's simulators: (status, provider)."""
    registry = app_registry()
    try:
        with db.session() as s:
            package = s.exec(select(Package).where(Package.group_key == group_key, Package.is_best_price)).one()
        result = await ordering.fulfil_paid_order(paid_order(user_id, package), registry=registry)
        with db.get_engine().connect() as conn:
            provider = conn.execute(sa.text("SELECT provider_id FROM orders WHERE display_id = :r"),
                                    {"r": result.order_ref}).scalar_one()
        return str(result.status), provider
    finally:
        await registry.aclose()


def _switches_a_provider_off(page: Page, app_url: str, user_id: int) -> None:
    group_key = best_offer("airalo").group_key  # Airalo is the best price here, and others sell it too
    page.goto(app_url + "/admin/providers")
    row = page.get_by_test_id("provider-row").filter(has_text="Airalo")
    expect(row.get_by_test_id("provider-state")).to_have_text("On")
    row.get_by_test_id("test-connection").click()
    expect(row.get_by_test_id("test-result")).to_contain_text("Connected")
    row.get_by_test_id("provider-enabled").click()
    expect(row.get_by_test_id("provider-state")).to_have_text("Switched off")
    status, provider = _in_own_loop(lambda: _new_order_in(group_key, user_id))
    assert (status, provider != "airalo") == ("completed", True)
    row.get_by_test_id("provider-enabled").click()  # on again, through the app
    expect(row.get_by_test_id("provider-state")).to_have_text("On")


def _replies_to_the_ticket(page: Page, app_url: str, customer: str, subject: str) -> None:
    page.goto(app_url + "/admin/support")
    row = page.get_by_test_id("ticket-row").filter(has_text=subject)
    expect(row).to_contain_text(customer)
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/admin/support/TKT[0-9A-Z]+$"))
    page.get_by_test_id("reply-input").fill("Please turn on data roaming for the eSIM line.")
    page.get_by_test_id("send-reply").click()
    expect(page.get_by_text("Reply sent; the customer was emailed.")).to_be_visible()
    expect(page.get_by_test_id("ticket-status")).to_contain_text("Waiting for the customer")


def _reset_store_settings() -> None:
    """A failed run leaves neither Japan's margin nor a switched-off provider to the other tests."""
    from services.catalog import reprice

    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = ANY(:k)"),
                     {"k": ["pricing.destination_margin_percent", "providers.paused"]})
    reprice.apply_settings()


def _base_price(ref: str) -> int:
    """The price in USD cents of the order with reference `ref`, as analytics counts it."""
    with db.get_engine().connect() as conn:
        return int(conn.execute(sa.text("SELECT base_price_cents FROM orders WHERE display_id = :r"),
                                {"r": ref}).scalar_one())


def test_the_first_owner_runs_the_store_from_the_dashboard(app_url: str, app_stripe, page: Page,
                                                           browser: Browser) -> None:
    with db.session() as s, s.begin():
        s.add(user := User(email=f"traveller-{uuid.uuid4().hex[:8]}@example.com"))
        s.flush()
        customer_id, customer = user.id, user.email
    subject = f"No data in Osaka {uuid.uuid4().hex[:6]}"
    shopper = browser.new_context()  # the customer's own browser
    try:
        _customer_opens_a_ticket(shopper.new_page(), app_url, customer, subject)
        before = _revenue_since(30)
        ref = _in_own_loop(lambda: _card_order(customer_id))
        _earlier_order(customer_id)
        ours = _base_price(ref) + 5000  # the card order and the earlier one
        _first_owner_signs_in(page, app_url)
        _home_shows_the_revenue(page, before, ours)
        _refunds_the_order(page, app_url, ref, customer)
        _changes_japans_margin(page, app_url)
        _switches_a_provider_off(page, app_url, customer_id)
        _replies_to_the_ticket(page, app_url, customer, subject)
        mine = shopper.pages[0]
        mine.reload()
        mine.get_by_test_id("ticket-row").filter(has_text=subject).get_by_role("link").click()
        expect(mine.get_by_test_id("ticket-message").filter(has_text="turn on data roaming")).to_have_count(1)
        assert "turn on data roaming" in inbox_text(mine, app_url, customer, subject)
    finally:
        shopper.close()
        _reset_store_settings()

