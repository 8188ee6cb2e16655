"""The owner answers a customer's ticket and the customer sees the reply; the owner invites a support
staff member, who sets a password from the emailed link and enrols TOTP at the first sign-in."""

from __future__ import annotations

import re
import uuid

import pyotp
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import staff_signs_in

CODE = re.compile(r"\b(\d{6})\b")
INVITE = re.compile(r"/admin/invite/[A-Za-z0-9_-]+")


def _inbox_message(page: Page, app_url: str, *texts: str) -> str:
    inbox = page.context.new_page()
    inbox.goto(app_url + "/sandbox/inbox")
    message = inbox.get_by_test_id("inbox-message")
    for text in texts:
        message = message.filter(has_text=text)
    expect(message.first).to_be_visible()
    body = message.first.inner_text()
    inbox.close()
    return body


def _customer_opens_a_ticket(page: Page, app_url: str, subject: str) -> str:
    email = f"traveller-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(app_url + "/account/support")
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_text(f"We sent a 6-digit code to {email}")).to_be_visible()
    page.get_by_test_id("code-input").fill(CODE.search(_inbox_message(page, app_url, email)).group(1))
    page.get_by_test_id("verify-code").click()
    expect(page).to_have_url(re.compile(r"/account/support/?$"))
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Message").fill("My eSIM shows no service in Osaka.")
    page.get_by_test_id("new-ticket").click()
    expect(page.get_by_test_id("ticket-row").filter(has_text=subject)).to_have_count(1)
    return email


def test_owner_replies_to_a_ticket_and_the_customer_sees_it(app_url: str, page: Page, browser: Browser) -> None:
    subject = f"No data in Osaka {uuid.uuid4().hex[:6]}"
    customer = _customer_opens_a_ticket(page, app_url, subject)
    staff_context = browser.new_context()
    try:
        owner = staff_context.new_page()
        staff_signs_in(owner, app_url, "/admin/support")
        row = owner.get_by_test_id("ticket-row").filter(has_text=subject)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(customer)
        row.get_by_role("link").click()
        expect(owner).to_have_url(re.compile(r"/admin/support/TKT[0-9A-Z]+$"))
        owner.get_by_test_id("reply-input").fill("Please turn on data roaming for the eSIM line.")
        owner.get_by_test_id("send-reply").click()
        expect(owner.get_by_text("Reply sent; the customer was emailed.")).to_be_visible()
        expect(owner.get_by_test_id("ticket-message")).to_have_count(2)
        expect(owner.get_by_test_id("ticket-status")).to_contain_text("Waiting for the customer")
    finally:
        staff_context.close()
    # the customer sees the reply on their ticket page, and got an email about it
    page.get_by_test_id("ticket-row").filter(has_text=subject).get_by_role("link").click()
    expect(page.get_by_test_id("ticket-message").filter(has_text="turn on data roaming")).to_have_count(1)
    assert "turn on data roaming" in _inbox_message(page, app_url, customer, subject)


def test_owner_invites_support_staff_who_sets_a_password_and_enrols(app_url: str, page: Page,
                                                                    browser: Browser) -> None:
    invitee = f"sam-{uuid.uuid4().hex[:8]}@example.com"
    staff_signs_in(page, app_url, "/admin/staff")
    page.get_by_test_id("invite-email").fill(invitee)
    page.get_by_test_id("invite-name").fill("Sam")
    page.get_by_test_id("invite-role").select_option("support")
    page.get_by_test_id("invite-staff").click()
    row = page.get_by_test_id("staff-row").filter(has_text=invitee)
    expect(row).to_contain_text("invited")
    expect(row.get_by_test_id("staff-role")).to_have_value("support")
    link = INVITE.search(_inbox_message(page, app_url, invitee, "admin dashboard")).group(0)

    guest = browser.new_context()  # the invitee's own browser
    try:
        sam = guest.new_page()
        sam.goto(app_url + link)
        expect(sam.get_by_text(invitee)).to_be_visible()
        sam.get_by_test_id("password-input").fill("a long support passphrase")
        sam.get_by_test_id("password-confirm").fill("a long support passphrase")
        sam.get_by_test_id("set-password").click()
        expect(sam.get_by_test_id("password-set")).to_be_visible()
        sam.goto(app_url + link)  # the link worked once
        expect(sam.get_by_test_id("form-error")).to_contain_text("used")
        sam.goto(app_url + "/admin/support")
        sam.get_by_test_id("email-input").fill(invitee)
        sam.get_by_test_id("password-input").fill("a long support passphrase")
        sam.get_by_test_id("login-submit").click()
        secret = sam.get_by_test_id("totp-secret")
        expect(secret).to_have_text(re.compile(r"^[A-Z2-7]{32}$"))  # TOTP enrolment at the first sign-in
        sam.get_by_test_id("totp-input").fill(pyotp.TOTP(secret.inner_text().strip()).now())
        sam.get_by_test_id("totp-confirm").click()
        expect(sam.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
        sam.get_by_test_id("recovery-continue").click()
        expect(sam).to_have_url(re.compile(r"/admin/support/?$"))
        sam.goto(app_url + "/admin/staff")  # owners only: support is sent to the dashboard home
        expect(sam).to_have_url(re.compile(r"/admin/?$"))
    finally:
        guest.close()
    page.reload()
    expect(page.get_by_test_id("staff-row").filter(has_text=invitee)).to_contain_text("active")
