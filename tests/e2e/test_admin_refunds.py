"""Staff decide a refund request in review at /admin/support: sign in with TOTP, approve with
confirmation, and the request leaves the queue."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from services import orders
from services.core import db
from services.core.settings import get_settings
from tests.e2e.conftest import APP_ENV
from tests.e2e.helpers import app_registry, delivered_card_order, staff_signs_in
from tests.support.orders import new_customer, order_row


async def _request_in_review(user_id: int) -> str:
    """A customer's paid, completed order at a provider that cannot cancel, and their refund request
    (which goes to staff review), all through the services against the running app's sandbox."""
    registry = app_registry()
    try:
        ref = order_row(await delivered_card_order(user_id, registry)).display_id
        view = await orders.request_refund(user_id, order_ref=ref, reason="Trip cancelled", registry=registry)
        assert view.status == "review"
        return ref
    finally:
        await registry.aclose()


@pytest.fixture
def app_stripe(app_url: str, monkeypatch: pytest.MonkeyPatch):
    """This process's settings point at the app's localstripe, as the app's do."""
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"):
        monkeypatch.setenv(name, APP_ENV[name])
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_support_approves_a_refund_request_and_it_leaves_the_queue(app_url: str, app_stripe, page: Page) -> None:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own event loop, away from Playwright's
        ref = pool.submit(asyncio.run, _request_in_review(new_customer())).result(timeout=120)
    staff_signs_in(page, app_url, "/admin/support", role="support")
    row = page.get_by_test_id("refund-request-row").filter(has_text=ref)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Trip cancelled")
    row.get_by_test_id("approve-refund").click()
    page.get_by_test_id("refund-note").fill("Cancelled with the provider by hand")
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_text(f"for {ref}.")).to_be_visible()
    expect(page.get_by_test_id("refund-request-row").filter(has_text=ref)).to_have_count(0)
    deadline = time.time() + 10
    while _status(ref) != "refunded" and time.time() < deadline:
        time.sleep(0.2)
    assert _status(ref) == "refunded"  # the card refund went through, once


def _status(ref: str) -> str:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT status FROM orders WHERE display_id = :r"), {"r": ref}).scalar_one()
