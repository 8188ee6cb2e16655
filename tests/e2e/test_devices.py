"""The device-compatibility checker: reached from a plan and from checkout, searched like a traveller would."""

import re

from playwright.sync_api import Page, expect


def test_a_traveller_checks_their_phone_from_a_plan_page(app_url: str, page: Page) -> None:
    page.goto(app_url + "/destinations/japan")
    page.get_by_test_id("plan-card").first.get_by_role("link", name="Details").click()
    expect(page).to_have_url(re.compile(r"/plans/"))
    page.get_by_test_id("device-check-link").click()

    expect(page).to_have_url(re.compile(r"/devices$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Does my phone support eSIM?")
    expect(page.get_by_test_id("eid-tip")).to_contain_text("*#06#")
    expect(page.get_by_test_id("eid-tip")).to_contain_text("EID")
    expect(page.get_by_test_id("device-maker").first).to_have_text("Apple")
    assert page.get_by_test_id("device-model").count() >= 140

    search = page.get_by_label("Find your phone")
    search.fill("galaxy s24")
    expect(page.get_by_test_id("device-maker")).to_have_text(["Samsung"])
    expect(page.get_by_test_id("device-model")).to_have_count(4)  # S24, S24+, S24 Ultra, S24 FE
    expect(page.get_by_test_id("device-count")).to_contain_text(re.compile(r"^4 of \d+ models shown"))
    search.fill("iphone15pro")
    expect(page.get_by_test_id("device-model")).to_have_text(["iPhone 15 Pro", "iPhone 15 Pro Max"])
    search.fill("nokia 3310")
    expect(page.get_by_test_id("device-model")).to_have_count(0)
    expect(page.get_by_test_id("device-none")).to_contain_text("Dial *#06#")


def test_the_landing_page_and_checkout_link_to_the_checker(app_url: str, page: Page) -> None:
    page.goto(app_url + "/")
    expect(page.locator("#faq").get_by_test_id("device-check-link")).to_have_attribute("href", "/devices")
    page.goto(app_url + "/destinations/japan")
    page.get_by_test_id("plan-card").first.get_by_test_id("buy-button").click()
    expect(page.get_by_test_id("checkout-summary")).to_be_visible()
    link = page.get_by_test_id("checkout-summary").get_by_test_id("device-check-link")
    expect(link).to_have_attribute("href", "/devices")


def test_the_checker_reads_in_the_travellers_language(app_url: str, page: Page) -> None:
    page.goto(app_url + "/devices?lang=ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("私のスマートフォンは eSIM に対応していますか？")
    page.get_by_label("機種を検索").fill("iphone 15")
    expect(page.get_by_test_id("device-model")).to_have_count(4)
    expect(page.get_by_test_id("device-count")).to_contain_text("機種中 4 機種を表示")
    expect(page.get_by_text("中国本土で購入した iPhone は対象外です", exact=False)).to_be_visible()
