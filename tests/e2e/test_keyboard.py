"""Every control a traveller can click can be reached with Tab, and shows where the focus is.

On each page the test presses Tab until the focus comes back round, noting each element it lands on
and whether a focus ring is drawn (an outline or a box shadow while focused). Every visible link,
button and field of the page must have been reached, each with a ring. The checkout's card form is
a labelled group, and the sign-in form is usable without a mouse.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_support_and_profile import _sign_in

MAX_TABS = 150
# route, and the hook whose appearance says the page finished loading its data
PAGES = [
    ("/", "[data-testid=popular-destination]"),
    ("/destinations/japan", "[data-testid=plan-card]"),
    ("/regions/europe", "[data-testid=plan-card]"),
    ("/plans/{plan}", "[data-testid=plan-price]"),
    ("/login", "[data-testid=email-input]"),
]

# The focused element: a selector-like description, and whether a focus ring is visible on it.
_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== "none";
    if (!el.dataset.tabSeen) el.dataset.tabSeen = String(Object.keys(window.__tabSeen ||= {}).length);
    window.__tabSeen[el.dataset.tabSeen] = true;
    const name = (el.getAttribute("aria-label") || el.textContent || el.getAttribute("name") || "").trim();
    return {id: el.dataset.tabSeen, ring, what: `${el.tagName.toLowerCase()} "${name.slice(0, 40)}"`};
}"""

# Visible interactive elements that Tab never reached.
_UNREACHED = """() => [...document.querySelectorAll(
        "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]")]
    .filter(el => el.tabIndex >= 0 && el.getClientRects().length && getComputedStyle(el).visibility !== "hidden"
                  && !el.closest("[aria-hidden=true], [inert]") && !el.dataset.tabSeen
                  && !el.closest("[data-testid=card-element]"))
    .map(el => `${el.tagName.toLowerCase()} "${(el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 40)}"`)"""


def _tab_through(page: Page) -> tuple[int, list[str], list[str]]:
    """Tab round the page: how many elements it reached, those without a focus ring, the controls never reached."""
    page.locator("body").focus()
    seen: set[str] = set()
    no_ring: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:
            continue
        if focused["id"] in seen:
            break
        seen.add(focused["id"])
        if not focused["ring"]:
            no_ring.append(focused["what"])
    return len(seen), no_ring, page.evaluate(_UNREACHED)


def _check(page: Page, url: str, ready: str) -> list[str]:
    page.goto(url)
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    reached, no_ring, unreached = _tab_through(page)
    path = url.split("/", 3)[-1] or "/"
    problems = [f"{path}: no focus ring on {w}" for w in no_ring]
    problems += [f"{path}: Tab never reaches {w}" for w in unreached]
    return problems + ([f"{path}: Tab reached only {reached} element(s)"] if reached < 5 else [])


def _plan(page: Page, app_url: str) -> str:
    page.goto(app_url + "/destinations/japan")
    page.get_by_test_id("plan-card").first.get_by_role("link", name="Details").click()
    expect(page).to_have_url(re.compile(r"/plans/"))
    return page.url.rstrip("/").rsplit("/", 1)[1]


def test_every_control_is_reachable_by_tab_with_a_visible_focus_ring(app_url: str, page: Page) -> None:
    plan = _plan(page, app_url)
    problems: list[str] = []
    for route, ready in PAGES:
        problems += _check(page, app_url + route.format(plan=plan), ready)
    _sign_in(page, app_url, "/account")
    problems += _check(page, app_url + f"/checkout/{plan}", "[data-testid=pay-button]")
    problems += _check(page, app_url + "/account/profile", "[data-testid=profile-save]")
    assert not problems, "\n".join(problems)


def test_skip_link_comes_first_and_moves_focus_to_the_content(app_url: str, page: Page) -> None:
    page.goto(app_url + "/destinations/japan")
    expect(page.get_by_test_id("plan-card").first).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_checkout_card_form_is_a_labelled_group(app_url: str, page: Page) -> None:
    plan = _plan(page, app_url)
    _sign_in(page, app_url, "/account")
    page.goto(app_url + f"/checkout/{plan}")
    card_form = page.get_by_role("group", name="Card details")
    expect(card_form).to_be_visible()
    expect(card_form).to_have_attribute("data-testid", "card-element")
    expect(page.get_by_test_id("pay-button")).to_be_enabled()  # the card fields are mounted inside it


def test_sign_in_by_keyboard_alone(app_url: str, page: Page) -> None:
    page.goto(app_url + "/login")
    email = page.get_by_test_id("email-input")
    expect(email).to_be_visible()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.dataset?.testid === 'email-input'"):
            break
    page.keyboard.type("keyboard-only@example.com")
    page.keyboard.press("Enter")
    expect(page.get_by_text("We sent a 6-digit code to keyboard-only@example.com")).to_be_visible()
