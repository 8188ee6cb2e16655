"""A company admin signs in, signs out and in again, and reads both at /business/audit; a viewer of the
same company is sent to the portal's home."""

import re
import uuid

from playwright.sync_api import Page, expect

from tests.support.enterprise import company_user

PASSWORD = "a long business passphrase"


def _sign_in(page: Page, app_url: str, email: str, route: str) -> None:
    page.goto(app_url + route)
    expect(page).to_have_url(re.compile(r"/business/login\?next="))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(re.escape(route) + r"/?$"))


def test_an_admin_reads_the_sign_ins_and_sign_outs_of_the_company(app_url: str, page: Page) -> None:
    admin = f"audit-{uuid.uuid4().hex[:8]}@example.com"
    company_id, _ = company_user(admin, PASSWORD, company="Audited Travel")
    _sign_in(page, app_url, admin, "/business/audit")
    page.get_by_test_id("logout").first.click()
    expect(page).to_have_url(re.compile(r"/business/login"))
    _sign_in(page, app_url, admin, "/business/audit")

    rows = page.get_by_test_id("audit-row")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("audit-action")).to_have_text(["login", "logout", "login"])
    expect(page.get_by_test_id("audit-actor").first).to_have_text(admin)
    page.get_by_test_id("audit-filter").fill("logout")
    page.get_by_test_id("audit-apply").click()
    expect(rows).to_have_count(1)

    viewer = f"viewer-{uuid.uuid4().hex[:8]}@example.com"
    company_user(viewer, PASSWORD, role="viewer", company_id=company_id)
    page.context.clear_cookies()
    page.goto(app_url + "/business/login")
    page.get_by_test_id("email-input").fill(viewer)
    page.get_by_test_id("password-input").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/business/?$"))
    page.goto(app_url + "/business/audit")
    expect(page).to_have_url(re.compile(r"/business/?$"))
    expect(page.get_by_test_id("audit-row")).to_have_count(0)
