"""axe-core on every page a traveller or a staff member sees, in light and in dark mode: zero violations at
any impact.

axe-core comes from the npm registry (the Makefile's tools target puts it in .tools/axe); each page is
loaded, waited for until its content is on screen, then `axe.min.js` is injected and `axe.run()`
looks at the rendered page. One browser context per colour mode: the public pages and the sign-in
pages signed out, then a customer signs in (the emailed code, as a person would) for checkout and the
account pages; in a context of its own an owner signs in (password and TOTP) for every admin page, with an
order, a customer, a ticket and a company to open. The report names each rule, its impact and the elements
it flagged.

Each mode records `a11y_pages` and `a11y_violations` for `make test`'s summary line
(`a11y: pages=N violations=0`, tests/run.py).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from services.core import db
from services.core.models import EnterpriseAccount, User
from services.support import tickets
from tests.e2e.helpers import COMPANY_PASSWORD, staff_signs_in
from tests.e2e.test_support_and_profile import _sign_in
from tests.support.enterprise import company_user
from tests.support.orders import best_offer, new_customer, order_row, paid_order
from tests.support.server import ROOT

AXE = ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# route, and the hook whose appearance says the page finished loading its data
PUBLIC = [
    ("/", "[data-testid=popular-destination]"),
    ("/destinations/japan", "[data-testid=plan-card]"),
    ("/regions/europe", "[data-testid=plan-card]"),
    ("/global", "[data-testid=plan-card]"),
    ("/devices", "[data-testid=device-model]"),
    ("/plans/{plan}", "[data-testid=plan-price]"),
    ("/checkout/{plan}", "[data-testid=checkout-sign-in]"),
    ("/login", "[data-testid=email-input]"),
    ("/business/login", "[data-testid=email-input]"),
    ("/admin/login", "[data-testid=email-input]"),
    ("/business/forgot", "[data-testid=email-input]"),
    ("/business/invite/expired-link", "[data-testid=form-error]"),  # a link that no longer works
    ("/install/expired-link", "[data-testid=install-error]"),
]
SIGNED_IN = [
    ("/checkout/{plan}", "[data-testid=pay-button]"),
    ("/account", "main h1"),
    ("/account/esims", "main h1"),
    ("/account/orders", "main h1"),
    ("/account/support", "[data-testid=new-ticket]"),
    ("/account/profile", "[data-testid=profile-save]"),
]

# the admin dashboard, as an owner (every page); {order}, {customer}, {ticket}, {company}: rows made for it
ADMIN = [
    ("/admin", "[data-testid=range-select]"),
    ("/admin/orders", "[data-testid=order-row]"),
    ("/admin/orders/{order}", "[data-testid=timeline-event]"),
    ("/admin/customers", "[data-testid=customer-row]"),
    ("/admin/customers/{customer}", "[data-testid=revoke-sessions]"),
    ("/admin/providers", "[data-testid=provider-row]"),
    ("/admin/packages", "[data-testid=offer-row]"),
    ("/admin/enterprise", "[data-testid=company-row]"),
    ("/admin/enterprise/{company}", "[data-testid=company-status]"),
    ("/admin/quotes", "[data-testid=quote-status-filter]"),
    ("/admin/support", "[data-testid=ticket-row]"),
    ("/admin/support/{ticket}", "[data-testid=ticket-message]"),
    ("/admin/jobs", "[data-testid=job-row]"),
    ("/admin/settings", "[data-testid=currency-row]"),
    ("/admin/staff", "[data-testid=staff-row]"),
    ("/admin/audit", "[data-testid=audit-apply]"),
]


def _violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 120),
                                      why: (n.failureSummary || "").split("\\n").slice(1, 2).join("").trim()}))}));
    }""")


def _check(page: Page, url: str, ready: str) -> list[str]:
    page.goto(url)
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    return [_describe(url, v) for v in _violations(page)]


def _describe(url: str, violation: dict) -> str:
    """One violation: the rule, its impact, and up to five flagged elements (selector, markup, reason)."""
    nodes = violation["nodes"]
    lines = [f"{url.split('/', 3)[-1] or '/'}: {violation['id']} ({violation['impact']}) {violation['help']}"]
    lines += [f"    {n['target']}  {n['html']}  {n['why']}" for n in nodes[:5]]
    if len(nodes) > 5:
        lines.append(f"    ... and {len(nodes) - 5} more")
    return "\n".join(lines)


def _ticket_thread(page: Page, app_url: str) -> list[str]:
    """The one account page that needs a row first: a support ticket's thread."""
    page.goto(app_url + "/account/support")
    page.get_by_label("Subject").fill("Which plan for a week in Osaka?")
    page.get_by_label("Message").fill("Is 3 GB enough for maps and messages?")
    page.get_by_test_id("new-ticket").click()
    expect(page.get_by_test_id("ticket-row")).to_have_count(1)
    page.get_by_test_id("ticket-row").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/account/support/TKT"))
    return _check(page, page.url, "[data-testid=ticket-message]")


@pytest.fixture(params=["light", "dark"])
def mode_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[tuple[str, Page]]:
    """A page in a browser context that prefers `mode`; the app follows the system preference."""
    context = browser.new_context(color_scheme=request.param, viewport={"width": 1280, "height": 900},
                                  bypass_csp=True)  # the app's CSP rightly refuses the injected axe script
    yield request.param, context.new_page()
    context.close()


def test_no_axe_violations_on_customer_pages(app_url: str, mode_page: tuple[str, Page], record_property) -> None:
    assert AXE.exists(), f"{AXE} is missing: `make test` installs it (the .tools/.axe-core-* target)"
    mode, page = mode_page
    page.goto(app_url + "/destinations/japan")
    page.get_by_test_id("plan-card").first.get_by_role("link", name="Details").click()
    expect(page).to_have_url(re.compile(r"/plans/"))
    expect(page.locator("html")).to_have_class(re.compile(rf"\b{mode}\b"))  # the colour mode really applies
    plan = page.url.rstrip("/").rsplit("/", 1)[1]
    found: list[str] = []
    for route, ready in PUBLIC:
        found += _check(page, app_url + route.format(plan=plan), ready)
    _sign_in(page, app_url, "/account")  # a new customer, by the emailed code
    for route, ready in SIGNED_IN:
        found += _check(page, app_url + route.format(plan=plan), ready)
    found += _ticket_thread(page, app_url)
    pages = len(PUBLIC) + len(SIGNED_IN) + 1
    record_property("a11y_pages", pages)
    record_property("a11y_violations", len(found))
    print(f"a11y ({mode}): pages={pages} violations={len(found)}")
    assert not found, f"axe-core found {len(found)} violation(s) in {mode} mode:\n" + "\n".join(found)


def test_no_axe_violations_in_the_open_phone_menu(app_url: str, mode_page: tuple[str, Page],
                                                 record_property) -> None:
    mode, page = mode_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(app_url + "/")
    expect(page.locator("[data-testid=popular-destination]").first).to_be_visible()
    page.get_by_test_id("phone-menu-button").click()
    expect(page.get_by_test_id("phone-menu").get_by_role("link").first).to_be_visible()
    found = [_describe(page.url, v) for v in _violations(page)]
    record_property("a11y_pages", 1)
    record_property("a11y_violations", len(found))
    assert not found, f"axe-core found {len(found)} violation(s) in the phone menu in {mode} mode:\n" + "\n".join(found)


def _admin_rows() -> dict[str, str]:
    """A customer with a paid order and a ticket, and a company: the rows the admin detail pages open."""
    user_id = new_customer()
    order = order_row(paid_order(user_id, best_offer("airalo"))).display_id
    ticket = tickets.open_ticket(user_id, subject="Which plan for Osaka?", body="Is 3 GB enough for maps?")
    company_id, _ = company_user(f"{uuid.uuid4().hex[:8]}@example.com", COMPANY_PASSWORD, company="Lumen Travel")
    with db.session() as s:
        customer = s.get(User, user_id).display_id  # type: ignore[union-attr]
        company = s.get(EnterpriseAccount, company_id).display_id  # type: ignore[union-attr]
    return {"order": order, "customer": customer, "ticket": ticket.summary.ref, "company": company}


def test_no_axe_violations_on_admin_pages(app_url: str, mode_page: tuple[str, Page], record_property) -> None:
    assert AXE.exists(), f"{AXE} is missing: `make test` installs it (the .tools/.axe-core-* target)"
    mode, page = mode_page
    rows = _admin_rows()
    staff_signs_in(page, app_url, "/admin", role="owner")
    expect(page.locator("html")).to_have_class(re.compile(rf"\b{mode}\b"))
    found: list[str] = []
    for route, ready in ADMIN:
        found += _check(page, app_url + route.format(**rows), ready)
    record_property("a11y_pages", len(ADMIN))
    record_property("a11y_violations", len(found))
    print(f"a11y admin ({mode}): pages={len(ADMIN)} violations={len(found)}")
    assert not found, f"axe-core found {len(found)} violation(s) on admin pages in {mode} mode:\n" + "\n".join(found)
