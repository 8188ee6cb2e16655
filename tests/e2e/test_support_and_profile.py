"""A signed-in customer opens a support ticket, sees it listed and answers in its thread, then edits the profile."""

import re
import uuid

from playwright.sync_api import Page, expect

CODE = re.compile(r"\b(\d{6})\b")


def _sign_in(page: Page, app_url: str, target: str) -> str:
    email = f"support-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(app_url + target)
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_text(f"We sent a 6-digit code to {email}")).to_be_visible()
    inbox = page.context.new_page()
    inbox.goto(app_url + "/sandbox/inbox")
    message = inbox.get_by_test_id("inbox-message").filter(has_text=email).first
    expect(message).to_be_visible()
    code = CODE.search(message.inner_text()).group(1)
    inbox.close()
    page.get_by_test_id("code-input").fill(code)
    page.get_by_test_id("verify-code").click()
    expect(page).to_have_url(re.compile(re.escape(target) + "/?$"))  # a full page load: the build serves ".../"
    return email


def test_customer_opens_a_ticket_and_replies_in_its_thread(app_url: str, page: Page) -> None:
    _sign_in(page, app_url, "/account/support")
    expect(page.get_by_role("heading", name="Support")).to_be_visible()
    page.get_by_label("Subject").fill("No data after landing in Tokyo")
    page.get_by_label("Message").fill("The eSIM shows no service since I arrived.")
    page.get_by_test_id("new-ticket").click()
    row = page.get_by_test_id("ticket-row").filter(has_text="No data after landing in Tokyo")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Waiting for support")
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/account/support/TKT[2-9A-HJ-NP-Z]{12}$"))
    expect(page.get_by_test_id("ticket-message")).to_have_count(1)
    page.get_by_label("Your reply").fill("It is an iPhone 15.")
    page.get_by_test_id("send-reply").click()
    expect(page.get_by_test_id("ticket-message")).to_have_count(2)
    page.get_by_test_id("close-ticket").click()
    expect(page.get_by_text("Closed")).to_be_visible()


def test_customer_updates_the_profile_and_logs_out_everywhere(app_url: str, page: Page) -> None:
    email = _sign_in(page, app_url, "/account/profile")
    expect(page.get_by_role("main").get_by_text(email)).to_be_visible()
    expect(page.get_by_test_id("session-row")).to_have_count(1)
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Country of residence").select_option("GB")
    page.get_by_label("Display currency").select_option("EUR")
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_text("Your profile was saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("First name")).to_have_value("Ada")
    expect(page.get_by_label("Country of residence")).to_have_value("GB")
    expect(page.get_by_label("Display currency")).to_have_value("EUR")
    page.get_by_test_id("logout-everywhere").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto(app_url + "/account/profile")
    expect(page).to_have_url(re.compile(r"/login\?next="))
