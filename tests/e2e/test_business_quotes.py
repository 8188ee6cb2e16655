"""Staff create a company at /admin/enterprise; its contact sets a password from the invitation in the
sandbox inbox and requests a quote for 20 eSIMs; staff price it at /admin/quotes/[ref]; the company
accepts it and its bulk order exists, once, at the quoted price. Then staff suspend the company: its
user's next page load ends at the sign-in page, which says why."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from services.core import db
from tests.e2e.helpers import COMPANY_PASSWORD, business_signs_in, contact_sets_password, staff_signs_in


def _bulk_orders(quote_ref: str) -> list[tuple[str, int]]:
    with db.get_engine().connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT b.display_id, b.total_cents FROM bulk_orders b JOIN enterprise_quotes q ON q.id = b.quote_id"
            " WHERE q.display_id = :r"), {"r": quote_ref})]


def test_a_company_requests_a_quote_staff_price_it_and_the_company_accepts_once(
        app_url: str, page: Page, browser: Browser) -> None:
    company, email = f"Initech {uuid.uuid4().hex[:6]}", f"travel-{uuid.uuid4().hex[:8]}@example.com"
    staff_signs_in(page, app_url, "/admin/enterprise", role="operations")
    page.get_by_test_id("new-company").click()
    page.get_by_test_id("company-name").fill(company)
    page.get_by_test_id("company-email").fill(email)
    page.get_by_test_id("company-credit-limit").fill("5000")
    page.get_by_test_id("create-company").click()
    row = page.get_by_test_id("company-row").filter(has_text=company)
    expect(row).to_contain_text("$5,000.00")
    expect(row.get_by_test_id("company-status")).to_have_text("active")

    buyer = browser.new_context().new_page()  # the company's own browser
    contact_sets_password(buyer, app_url, email)
    business_signs_in(buyer, app_url, email, "/business/quotes")
    buyer.get_by_test_id("new-quote").click()
    plan = buyer.get_by_test_id("quote-plan")
    expect(plan.locator("option")).not_to_have_count(1)  # the plans have loaded
    plan.select_option(index=1)
    buyer.get_by_test_id("quote-quantity").fill("20")
    buyer.get_by_test_id("quote-note").fill("Sales kick-off in Tokyo")
    buyer.get_by_test_id("quote-submit").click()
    expect(buyer).to_have_url(re.compile(r"/business/quotes/QTE\w+$"))
    ref = buyer.url.rsplit("/", 1)[1]
    expect(buyer.get_by_test_id("quote-status")).to_have_text("requested")
    expect(buyer.get_by_test_id("accept-quote")).to_have_count(0)

    page.goto(app_url + "/admin/quotes")
    page.get_by_test_id("quote-row").filter(has_text=ref).click()
    expect(page).to_have_url(re.compile(rf"/admin/quotes/{ref}$"))
    expect(page.get_by_text("Sales kick-off in Tokyo")).to_be_visible()
    page.get_by_test_id("quote-line-price").fill("6.50")
    page.get_by_test_id("send-quote").click()
    expect(page.get_by_test_id("quote-status")).to_have_text("priced")
    expect(page.get_by_test_id("quote-total")).to_have_text("$130.00")

    buyer.reload()
    expect(buyer.get_by_test_id("quote-status")).to_have_text("priced")
    expect(buyer.get_by_test_id("quote-total")).to_have_text("$130.00")
    buyer.get_by_test_id("accept-quote").dblclick()  # a double click still orders once
    expect(buyer.get_by_test_id("quote-status")).to_have_text("accepted")
    expect(buyer.get_by_test_id("quote-order")).to_be_visible()
    orders = _bulk_orders(ref)
    assert len(orders) == 1 and orders[0][1] == 20 * 650
    expect(buyer.get_by_test_id("quote-order")).to_have_text(orders[0][0])

    page.goto(app_url + "/admin/enterprise")
    page.get_by_test_id("company-row").filter(has_text=company).get_by_test_id("suspend-company").click()
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("company-row").filter(has_text=company).get_by_test_id("company-status")) \
        .to_have_text("suspended")
    buyer.goto(app_url + "/business/quotes")
    expect(buyer).to_have_url(re.compile(r"/business/login\?next=%2Fbusiness%2Fquotes&reason=company_suspended$"))
    expect(buyer.get_by_test_id("login-notice")).to_contain_text("suspended")
    buyer.get_by_test_id("email-input").fill(email)
    buyer.get_by_test_id("password-input").fill(COMPANY_PASSWORD)
    buyer.get_by_test_id("login-submit").click()
    expect(buyer.get_by_test_id("login-error")).to_contain_text("suspended")
