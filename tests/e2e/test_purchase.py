"""The journey the business lives on: find a plan, sign in, pay, install the eSIM."""

from __future__ import annotations

import base64
import io
import re
import uuid

import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.helpers import enter_card
from tests.e2e.test_sign_in import CODE

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"


def _prices(page: Page) -> list[float]:
    return [float(re.sub(r"[^\d.]", "", t)) for t in page.get_by_test_id("plan-price").all_inner_texts()]


def _sign_in(page: Page, app_url: str, email: str) -> None:
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_text("We sent a 6-digit code")).to_be_visible()
    inbox = page.context.new_page()
    inbox.goto(app_url + "/sandbox/inbox")
    message = inbox.get_by_test_id("inbox-message").filter(has_text=email).first
    code = CODE.search(message.inner_text()).group(1)
    inbox.close()
    page.get_by_test_id("code-input").fill(code)
    page.get_by_test_id("verify-code").click()


def _decode_qr(page: Page) -> str:
    src = page.get_by_test_id("esim-qr").get_attribute("src")
    image = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    return zxingcpp.read_barcodes(image)[0].text


def test_a_new_traveller_buys_a_japan_esim_and_installs_it(app_url: str, page: Page) -> None:
    # finds Japan from the landing page
    page.goto(app_url + "/")
    page.get_by_test_id("destination-search").fill("jap")
    page.get_by_test_id("search-result").first.click()
    expect(page).to_have_url(re.compile(r"/destinations/japan$"))
    expect(page).to_have_title(re.compile(r"^Japan eSIM plans · "))
    expect(page.get_by_test_id("plan-card").first).to_be_visible()
    prices = _prices(page)
    assert len(prices) >= 3 and prices == sorted(prices)
    expect(page.get_by_test_id("best-price").first).to_be_visible()
    # opens the cheapest plan and buys it
    page.get_by_test_id("plan-card").first.get_by_role("link", name="Details").click()
    expect(page).to_have_url(re.compile(r"/plans/"))
    expect(page.get_by_test_id("plan-price")).to_have_count(1)
    expect(page.get_by_test_id("covered-country")).to_have_count(1)
    plan_price = page.get_by_test_id("plan-price").inner_text()
    page.get_by_test_id("buy-button").click()
    expect(page.get_by_test_id("checkout-summary")).to_contain_text(plan_price)
    page.get_by_test_id("checkout-sign-in").click()
    _sign_in(page, app_url, f"japan-{uuid.uuid4().hex[:8]}@example.com")
    expect(page).to_have_url(re.compile(r"/checkout/"))
    enter_card(page, CARD_OK)
    page.get_by_test_id("pay-button").click()
    # the order page follows provisioning live
    expect(page).to_have_url(re.compile(r"/orders/OID[2-9A-HJ-NP-Z]{12}"), timeout=20_000)
    expect(page.get_by_test_id("order-status")).to_have_text("completed", timeout=30_000)
    page.get_by_role("link", name="Install your eSIM").click()
    # the eSIM page: the QR code holds exactly the activation string shown beside it
    lpa = page.get_by_test_id("esim-lpa").inner_text()
    assert lpa.startswith("LPA:1$")
    assert _decode_qr(page) == lpa
    _, smdp, matching_id = lpa.split("$")
    expect(page.get_by_test_id("esim-smdp")).to_have_text(smdp)
    expect(page.get_by_test_id("esim-activation-code")).to_have_text(matching_id)
    expect(page.get_by_test_id("ios-install-link")).to_have_attribute(
        "href", re.compile(r"^https://esimsetup\.apple\.com/esim_qrcode_provisioning\?carddata=LPA"))
    expect(page.get_by_test_id("esim-status")).to_have_text("Not installed")
    # "My eSIMs" lists it with its usage
    esim_url = page.url
    page.goto(app_url + "/account/esims")
    expect(page.get_by_test_id("esim-card")).to_have_count(1)
    usage = page.get_by_test_id("esim-card").first.get_by_test_id("esim-usage")
    expect(usage).to_contain_text("used")
    before = usage.inner_text()
    # a top-up that fits this eSIM, bought through the same checkout, adds data to it
    page.goto(esim_url)
    page.get_by_test_id("topup-button").click()
    expect(page).to_have_url(re.compile(r"/top-up$"))
    page.get_by_test_id("buy-button").first.click()
    expect(page.get_by_test_id("checkout-summary")).to_contain_text("Added to your eSIM")
    enter_card(page, CARD_OK)
    page.get_by_test_id("pay-button").click()
    expect(page.get_by_test_id("order-status")).to_have_text("completed", timeout=30_000)
    page.goto(app_url + "/account/esims")
    expect(page.get_by_test_id("esim-card")).to_have_count(1)
    expect(page.get_by_test_id("esim-card").first.get_by_test_id("esim-usage")).not_to_have_text(before)


def test_a_declined_card_shows_the_reason_and_leaves_the_order_unpaid(app_url: str, page: Page) -> None:
    page.goto(app_url + "/destinations/france")
    page.get_by_test_id("buy-button").first.click()
    page.get_by_test_id("checkout-sign-in").click()
    _sign_in(page, app_url, f"declined-{uuid.uuid4().hex[:8]}@example.com")
    expect(page).to_have_url(re.compile(r"/checkout/"))
    enter_card(page, CARD_DECLINED)
    page.get_by_test_id("pay-button").click()
    expect(page.get_by_test_id("payment-error")).to_contain_text("declined")
    expect(page).to_have_url(re.compile(r"/checkout/"))
    expect(page.get_by_test_id("pay-button")).to_be_enabled()
    page.goto(app_url + "/account/orders")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    expect(page.get_by_test_id("order-row").first).to_contain_text("pending")


def test_a_card_that_needs_authentication_pays_after_3d_secure(app_url: str, page: Page) -> None:
    page.goto(app_url + "/destinations/germany")
    page.get_by_test_id("buy-button").first.click()
    page.get_by_test_id("checkout-sign-in").click()
    _sign_in(page, app_url, f"3ds-{uuid.uuid4().hex[:8]}@example.com")
    expect(page).to_have_url(re.compile(r"/checkout/"))
    enter_card(page, "4000002500003155")
    page.get_by_test_id("pay-button").click()
    page.get_by_role("button", name="Complete authentication").click()  # the bank's challenge
    expect(page).to_have_url(re.compile(r"/orders/OID[2-9A-HJ-NP-Z]{12}"), timeout=20_000)
    expect(page.get_by_test_id("order-status")).to_have_text("completed", timeout=30_000)
