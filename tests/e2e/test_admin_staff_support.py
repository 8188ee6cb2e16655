"""The owner invites a support staff member, who sets a password from the emailed link and enrols TOTP
at the first sign-in. (The owner's reply to a customer's ticket is part of test_admin_journey.py.)"""

from __future__ import annotations

import re
import uuid

import pyotp
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import inbox_text, staff_signs_in

INVITE = re.compile(r"/admin/invite/[A-Za-z0-9_-]+")


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
    link = INVITE.search(inbox_text(page, app_url, invitee, "admin dashboard")).group(0)

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
