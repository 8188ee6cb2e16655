"""The owner signs in with password + TOTP, finds a paid order in /admin/orders, opens it, refunds it
(confirmed, with a note), sees the refund on the order's timeline, and the customer's refund email
arrives in the sandbox inbox."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re

from playwright.sync_api import Page, expect

from providers.registry import build_registry
from services.core.provider_runtime import sandbox_urls
from services.core.settings import Settings
from services.orders import ordering
from services.payments import stripe_payments
from services.sandbox import localstripe
from tests.e2e.conftest import APP_ENV
from tests.e2e.helpers import staff_signs_in
from tests.e2e.test_admin_refunds import app_stripe  # noqa: F401  (fixture)
from tests.support.orders import best_offer, new_customer, order_row


async def _paid_order(user_id: int) -> str:
    """A customer's order paid by card on the app's localstripe and delivered by the app's simulators."""
    settings = Settings(_env_file=None, esim_env="test", app_port=int(APP_ENV["APP_PORT"]))
    registry = build_registry(settings, sandbox_urls=sandbox_urls(settings))
    try:
        created = ordering.create_order(user_id, plan_slug=best_offer("airalo", with_alternatives=False).slug)
        start = stripe_payments.start_payment(created.id)
        localstripe.confirm_card(APP_ENV["STRIPE_API_BASE"], client_secret=start.client_secret,
                                 card_number="4242424242424242", secret_key=APP_ENV["STRIPE_SECRET_KEY"],
                                 publishable_key=APP_ENV["STRIPE_PUBLISHABLE_KEY"])
        assert stripe_payments.refresh_payment(created.id) == "succeeded"
        await ordering.fulfil_paid_order(created.id, registry=registry)  # the app's webhook may race it: either wins
        for _ in range(100):
            if order_row(created.id).status == "completed":
                break
            await asyncio.sleep(0.2)
        return order_row(created.id).display_id
    finally:
        await registry.aclose()


def test_owner_finds_a_paid_order_refunds_it_and_sees_it_on_the_timeline(app_url: str, app_stripe, page: Page) -> None:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own event loop, away from Playwright's
        ref = pool.submit(asyncio.run, _paid_order(new_customer())).result(timeout=120)
    staff_signs_in(page, app_url, "/admin/orders")
    page.get_by_test_id("order-search").fill(ref)
    page.get_by_test_id("order-search").press("Enter")
    row = page.get_by_test_id("order-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(ref)
    row.get_by_role("link", name=ref).click()
    expect(page).to_have_url(re.compile(rf"/admin/orders/{ref}$"))
    expect(page.get_by_test_id("order-status")).to_have_text("completed")
    expect(page.get_by_test_id("timeline-event").filter(has_text="eSIM delivered by the provider")).to_have_count(1)
    page.get_by_test_id("refund-order").click()
    page.get_by_test_id("action-note").fill("Trip cancelled, asked by phone")
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("order-status")).to_have_text("refunded")
    expect(page.get_by_test_id("timeline-event").filter(has_text="Refund by staff")).to_have_count(1)
    expect(page.get_by_test_id("timeline-event").filter(has_text="Refunded in full")).to_have_count(1)
    expect(page.get_by_test_id("refund-order")).to_have_count(0)  # nothing left to refund
    page.goto(app_url + "/sandbox/inbox")
    expect(page.get_by_test_id("inbox-message").filter(has_text=f"Your order {ref} was refunded")).to_have_count(1)
