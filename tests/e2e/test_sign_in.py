"""Signing in: customers with an emailed code (read from the sandbox inbox), operators with a password."""

import re
import uuid

from playwright.sync_api import Page, expect

from services.accounts import passwords

CODE = re.compile(r"\b(\d{6})\b")


def _code_from_inbox(page: Page, app_url: str, email: str) -> str:
    page.goto(app_url + "/sandbox/inbox")
    message = page.get_by_test_id("inbox-message").filter(has_text=email).first
    expect(message).to_be_visible()
    return CODE.search(message.inner_text()).group(1)


def test_customer_signs_in_with_a_code_and_lands_where_they_were_going(app_url: str, page: Page) -> None:
    email = f"traveller-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(app_url + "/account/orders")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Faccount%2Forders$"))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_text(f"We sent a 6-digit code to {email}")).to_be_visible()
    code = _code_from_inbox(page.context.new_page(), app_url, email)
    page.get_by_test_id("code-input").fill(code)
    page.get_by_test_id("verify-code").click()
    expect(page).to_have_url(re.compile(r"/account/orders/?$"))  # a full page load after the cookie route
    expect(page.get_by_role("heading", name="Orders")).to_be_visible()
    # the session cookie is HttpOnly: set by the server, invisible to any script on the page
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "esim_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert "esim_session" not in page.evaluate("document.cookie")
    assert cookie["value"] not in page.content()


def test_a_wrong_code_shows_an_error_and_keeps_the_form(app_url: str, page: Page) -> None:
    email = f"wrong-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(app_url + "/login")
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("send-code").click()
    code = _code_from_inbox(page.context.new_page(), app_url, email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page.get_by_test_id("code-input").fill(wrong)
    page.get_by_test_id("verify-code").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("wrong or has expired")
    expect(page.get_by_test_id("code-input")).to_be_visible()


def test_an_invalid_email_is_refused_with_a_message(app_url: str, page: Page) -> None:
    page.goto(app_url + "/login")
    page.get_by_test_id("email-input").fill("traveller@nodot")  # passes the browser, not the server
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()


def test_an_admin_password_alone_signs_nobody_in(app_url: str, page: Page) -> None:
    """The full staff sign-in (TOTP enrolment, second sign-in, sign-out) is in test_admin_sign_in.py."""
    email = f"ops-{uuid.uuid4().hex[:8]}@example.com"
    passwords.create_admin(email, "a long admin passphrase", name="Ops")
    page.goto(app_url + "/admin")
    expect(page).to_have_url(re.compile(r"/admin/login\?next=%2Fadmin$"))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill("not the passphrase")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    page.get_by_test_id("password-input").fill("a long admin passphrase")
    page.get_by_test_id("login-submit").click()
    # the right password leads to the second factor, and no session cookie exists yet
    expect(page.get_by_test_id("totp-secret")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "esim_session"]
    page.goto(app_url + "/admin")
    expect(page).to_have_url(re.compile(r"/admin/login"))
