"""A company admin creates a business API key at /business/api-keys, copies the secret shown once, uses
it against the running app's API (its OpenAPI document too), then revokes it and the API refuses it."""

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.support.enterprise import company_esims, company_user

PASSWORD = "a long business passphrase"


def test_an_admin_creates_uses_and_revokes_an_api_key(app_url: str, page: Page) -> None:
    email = f"api-{uuid.uuid4().hex[:8]}@example.com"
    company_id, _ = company_user(email, PASSWORD, company="Keyed Travel")
    company_esims(company_id, 2)
    page.goto(app_url + "/business/api-keys")
    expect(page).to_have_url(re.compile(r"/business/login\?next=%2Fbusiness%2Fapi-keys$"))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/business/api-keys/?$"))

    page.get_by_test_id("api-key-name").fill("Booking tool")
    page.get_by_test_id("new-api-key").click()
    secret = page.get_by_test_id("api-key-secret")
    expect(secret).to_contain_text("esk_live_")
    key = secret.inner_text().strip()
    expect(page.get_by_test_id("api-key-row")).to_have_count(1)

    api = f"{app_url}/api/v1/business"
    listed = httpx.get(f"{api}/esims", headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert listed.status_code == 200 and listed.json()["total"] == 2
    assert httpx.get(f"{api}/openapi.json", timeout=30).json()["openapi"] == "3.1.0"

    page.reload()
    expect(page.get_by_test_id("api-key-row")).to_have_count(1)
    expect(page.get_by_test_id("api-key-secret")).to_have_count(0)  # shown once
    page.get_by_test_id("revoke-api-key").click()
    page.get_by_test_id("confirm-revoke").click()
    expect(page.get_by_test_id("api-key-status")).to_have_text("revoked")
    refused = httpx.get(f"{api}/esims", headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert refused.status_code == 401 and refused.json()["error"] == "api_key_revoked"
