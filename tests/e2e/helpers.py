"""Browser steps that several e2e tests share: staff sign-in with TOTP, links from the sandbox inbox,
a company contact's first password and sign-in, and reading an install page's QR code."""

from __future__ import annotations

import base64
import io
import re
import time
import uuid

import PIL.Image
import pyotp
import zxingcpp
from playwright.sync_api import Locator, Page, expect

from services.accounts import passwords
from tests.support.staff import staff_sign_in, totp_secret

STAFF_PASSWORD = "a long admin passphrase"
COMPANY_PASSWORD = "a long business passphrase"
INVITE = re.compile(r"/business/invite/[A-Za-z0-9_-]+")
INSTALL = re.compile(r"/install/[A-Za-z0-9_-]+")


def staff_signs_in(page: Page, app_url: str, target: str, *, role: str = "owner") -> str:
    """A new staff member of `role` opens `target`, is sent to the sign-in page, and signs in with
    password and the authenticator's next code; their email. The TOTP is enrolled beforehand, as
    after a first sign-in."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    admin_id = passwords.create_admin(email, STAFF_PASSWORD, name="Olive", staff_role=role)
    staff_sign_in(email, STAFF_PASSWORD)
    totp = pyotp.TOTP(totp_secret(admin_id))
    page.goto(app_url + target)
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(STAFF_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("totp-input").fill(totp.generate_otp(totp.timecode(time.time()) + 1))
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(re.escape(target) + "/?$"))
    return email


def inbox_link(page: Page, app_url: str, text: str, link: re.Pattern[str]) -> str:
    """The path matching `link` in the newest sandbox email that mentions `text`."""
    page.goto(app_url + "/sandbox/inbox")
    message = page.get_by_test_id("inbox-message").filter(has_text=text).first
    expect(message).to_be_visible()
    found = link.search(message.inner_text())
    assert found, f"no {link.pattern} in the email to {text}"
    return found.group(0)


def business_signs_in(page: Page, app_url: str, email: str, target: str, *,
                      password: str = COMPANY_PASSWORD) -> None:
    """A company user opens `target`, is sent to /business/login, signs in and lands on `target`."""
    page.goto(app_url + target)
    expect(page).to_have_url(re.compile(r"/business/login\?next="))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(re.escape(target) + "/?$"))


def contact_sets_password(page: Page, app_url: str, email: str, *, password: str = COMPANY_PASSWORD) -> None:
    """A company's contact follows the invitation in the sandbox inbox and sets a password."""
    page.goto(app_url + inbox_link(page, app_url, email, INVITE))
    page.get_by_test_id("password-input").fill(password)
    page.get_by_test_id("password-confirm").fill(password)
    page.get_by_test_id("set-password").click()
    expect(page.get_by_test_id("password-set")).to_be_visible()


def qr_text(image: Locator) -> list[str]:
    """What the QR codes in an `<img>` with a data: URL decode to."""
    src = image.get_attribute("src") or ""
    assert src.startswith("data:image/"), f"not an inline image: {src[:40]!r}"
    picture = PIL.Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    return [code.text for code in zxingcpp.read_barcodes(picture)]
