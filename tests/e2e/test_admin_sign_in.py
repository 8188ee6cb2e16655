"""Staff sign-in in Chromium: the first sign-in enrols TOTP, later ones need a current code."""

import datetime as dt
import re
import uuid

import pyotp
from playwright.sync_api import Page, expect

from services.accounts import passwords

PASSWORD = "a long admin passphrase"


def _password_step(page: Page, email: str) -> None:
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


def test_the_first_owner_enrols_totp_then_signs_in_with_a_code(app_url: str, page: Page) -> None:
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    passwords.create_admin(email, PASSWORD, name="Owner")
    page.goto(app_url + "/admin")
    expect(page).to_have_url(re.compile(r"/admin/login\?next=%2Fadmin$"))
    # first sign-in: the password, then enrolment with the secret the page shows
    _password_step(page, email)
    secret_text = page.get_by_test_id("totp-secret")
    expect(secret_text).to_have_text(re.compile(r"^[A-Z2-7]{32}$"))
    expect(page.get_by_test_id("totp-qr")).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    totp = pyotp.TOTP(secret_text.inner_text().strip())
    page.get_by_test_id("totp-input").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_test_id("totp-confirm").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("wrong or was used already")
    expect(page.get_by_test_id("totp-input")).to_have_value("")  # the refusal clears the field after the error
    page.get_by_test_id("totp-input").fill(totp.now())
    page.get_by_test_id("totp-confirm").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    expect(codes.first).to_have_text(re.compile(r"^[a-z2-9]{5}-[a-z2-9]{5}$"))
    assert not [c for c in page.context.cookies() if c["name"] == "esim_session"]  # not before the codes are seen
    page.get_by_test_id("recovery-continue").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.get_by_role("link", name="Providers").first).to_be_attached()
    # the staff member's name comes with the state: the page is hydrated and its events are handled
    expect(page.locator(".portal-sidebar")).to_contain_text("Owner")
    # sign out: the dashboard is closed again
    page.get_by_test_id("logout").first.click()
    expect(page).to_have_url(re.compile(r"/admin/login"))
    page.goto(app_url + "/admin")
    expect(page).to_have_url(re.compile(r"/admin/login"))
    # a later sign-in: password, then the next code of the app (never the enrolment's code again)
    _password_step(page, email)
    expect(page.get_by_test_id("totp-secret")).to_have_count(0)
    page.get_by_test_id("totp-input").fill(totp.generate_otp(totp.timecode(dt.datetime.now(dt.UTC)) + 1))
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.get_by_role("link", name="Providers").first).to_be_attached()
