"""The production build under its Content-Security-Policy: pages work and the browser reports no violation."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.helpers import enter_card
from tests.e2e.test_purchase import CARD_OK, _sign_in

VIOLATION = re.compile(r"Content Security Policy|Refused to (load|execute|apply|connect|frame|evaluate)", re.I)


def _watch_csp(page: Page) -> list[str]:
    """Collect the browser's CSP reports for `page`: console messages and `securitypolicyviolation` events."""
    seen: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if VIOLATION.search(message.text):
            seen.append(message.text)

    page.on("console", console)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => console.error("
                         "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    return seen


def test_pages_load_under_the_policy_without_a_violation(app_url: str, page: Page) -> None:
    violations = _watch_csp(page)
    response = page.goto(app_url + "/")
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "'sha256-" in headers["content-security-policy"]  # the build's inline scripts, by hash
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    # data from the websocket, the self-hosted font, the theme script
    expect(page.get_by_test_id("popular-destination")).to_have_count(12)
    assert violations == []
    assert page.evaluate("document.fonts.ready.then(() => [...document.fonts].some("
                         "f => f.family.includes('Jakarta') && f.status === 'loaded'))")
    page.get_by_test_id("color-mode-toggle").first.click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    page.goto(app_url + "/destinations/japan")
    expect(page.get_by_test_id("plan-card").first).to_be_visible()
    assert violations == []


def test_card_entry_works_under_the_policy(app_url: str, page: Page) -> None:
    violations = _watch_csp(page)
    page.goto(app_url + "/destinations/france")
    page.get_by_test_id("buy-button").first.click()
    page.get_by_test_id("checkout-sign-in").click()
    _sign_in(page, app_url, f"csp-{uuid.uuid4().hex[:8]}@example.com")
    expect(page).to_have_url(re.compile(r"/checkout/"))
    enter_card(page, CARD_OK)  # Stripe.js (localstripe's) loaded and mounted through rx.call_script
    assert violations == []


def test_api_routes_carry_the_headers_too(app_url: str) -> None:
    for response in (httpx.get(app_url + "/api/health"), httpx.post(app_url + "/api/stripe/webhook", content=b"{}")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
