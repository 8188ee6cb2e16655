"""A company's first admin sets a password from the invitation in the sandbox inbox, signs in at
/business/login, opens the team page and invites a colleague."""

import re
import uuid

from playwright.sync_api import Page, expect

from services.enterprise import companies
from tests.e2e.helpers import COMPANY_PASSWORD as PASSWORD
from tests.e2e.helpers import INVITE as LINK
from tests.e2e.helpers import inbox_link


def test_an_invited_admin_sets_a_password_signs_in_and_invites_a_colleague(app_url: str, page: Page) -> None:
    email = f"travel-{uuid.uuid4().hex[:8]}@example.com"
    colleague = f"ops-{uuid.uuid4().hex[:8]}@example.com"
    companies.create_company("Acme Travel", email)
    link = inbox_link(page, app_url, email, LINK)

    page.goto(app_url + link)
    expect(page.get_by_text(email)).to_be_visible()
    page.get_by_test_id("password-input").fill(PASSWORD)
    page.get_by_test_id("password-confirm").fill(PASSWORD + "x")
    page.get_by_test_id("set-password").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("differ")
    page.get_by_test_id("password-input").fill(PASSWORD)
    page.get_by_test_id("password-confirm").fill(PASSWORD)
    page.get_by_test_id("set-password").click()
    expect(page.get_by_test_id("password-set")).to_be_visible()

    page.goto(app_url + "/business/team")
    expect(page).to_have_url(re.compile(r"/business/login\?next=%2Fbusiness%2Fteam$"))
    expect(page.get_by_test_id("forgot-password")).to_be_visible()
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/business/team/?$"))
    expect(page.get_by_test_id("user-row")).to_have_count(1)
    expect(page.get_by_test_id("user-row").first).to_contain_text(email)

    page.get_by_test_id("invite-email").fill(colleague)
    page.get_by_test_id("invite-role").select_option("operations")
    page.get_by_test_id("invite-user").click()
    expect(page.get_by_test_id("user-row")).to_have_count(2)
    expect(page.get_by_test_id("user-row").nth(1)).to_contain_text("invited")
    assert inbox_link(page.context.new_page(), app_url, colleague, LINK)

    page.goto(app_url + link)  # the invitation worked once
    expect(page.get_by_test_id("form-error")).to_contain_text("has been used")
