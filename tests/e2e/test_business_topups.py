"""A company admin orders two eSIMs on account, then tops both up from /business/esims in one go, first on
account and then by card (one payment for the total on the order's page), and watches each top-up reach
2 of 2."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import choose_bulk_plan, company_buyer_signs_in, enter_card, local_plan

CARD_OK = "4242424242424242"


def _top_up_both(page: Page, app_url: str, payment: str) -> None:
    page.goto(app_url + "/business/esims")
    boxes = page.get_by_test_id("topup-select")
    expect(boxes).to_have_count(2)
    for i in (0, 1):  # the box shows the server's choice: click, then wait for it
        boxes.nth(i).click()
        expect(boxes.nth(i)).to_be_checked()
    expect(page.get_by_test_id("topup-count")).to_have_text("Top up 2 eSIMs")
    page.get_by_test_id("topup-find").click()
    expect(page.get_by_test_id("topup-plan").locator("option").first).to_contain_text("in all")
    page.get_by_test_id("topup-payment").select_option(payment)
    page.get_by_test_id("topup-submit").click()


def _completes(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/business/orders/BLK[0-9A-Z]{12}$"))
    expect(page.get_by_test_id("bulk-progress")).to_have_text("2 of 2", timeout=90_000)
    expect(page.get_by_test_id("order-status")).to_have_text("completed")


def test_a_company_admin_tops_up_two_esims_on_account_then_by_card(app_url: str, page: Page) -> None:
    plan = local_plan(provider_id="airalo")
    company_buyer_signs_in(page, app_url, "Topped Travel", plan)
    choose_bulk_plan(page, plan, 2)
    page.get_by_test_id("order-payment").select_option("account")
    page.get_by_test_id("place-order").click()
    expect(page.get_by_test_id("bulk-progress")).to_have_text("2 of 2", timeout=90_000)

    _top_up_both(page, app_url, "account")
    result = page.get_by_test_id("topup-result")
    expect(result).to_contain_text(re.compile(r"Top-up BLK[0-9A-Z]+ placed for 2 eSIMs"))
    result.get_by_role("link").click()
    _completes(page)

    _top_up_both(page, app_url, "card")
    expect(page).to_have_url(re.compile(r"/business/orders/BLK[0-9A-Z]{12}$"))
    expect(page.get_by_test_id("order-status")).to_have_text("pending")
    enter_card(page, CARD_OK)
    page.get_by_test_id("pay-by-card").click()
    _completes(page)
