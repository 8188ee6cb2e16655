"""What a visitor clicks on a page before its app has started: the colour toggle, the language select,
the FAQ and the phone menu answer at once, and the app keeps the choice when it starts.

The built pages are painted before their JavaScript is fetched (`esim_app.plugins.PaintFirst`). As in
test_early_input.py, each test holds the page's boot script, clicks, then lets the app start
(hydration) and checks the choice survived it, and that the app's own handlers then answer alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.test_early_input import HeldBoot

DARK = re.compile(r"\bdark\b")
PHONE = {"width": 375, "height": 800}
MENU_LINKS = ["Destinations", "Regions", "Global", "For business", "Log in"]


def test_the_colour_toggle_clicked_before_the_app_started_switches_and_stays(app_url: str, page: Page) -> None:
    boot = HeldBoot(page)
    boot.open(app_url + "/")
    html, toggle = page.locator("html"), page.get_by_test_id("color-mode-toggle").first
    expect(html).not_to_have_class(DARK)
    toggle.click()
    expect(html).to_have_class(DARK)
    expect(toggle.locator(".color-mode-dark")).to_be_visible()  # the moon, as the app draws it in dark mode
    expect(toggle.locator(".color-mode-light")).to_be_hidden()
    boot.release()
    expect(html).to_have_class(DARK)  # Reflex's colour mode started from the stored choice
    assert page.evaluate("localStorage.getItem('theme')") == "dark"
    toggle.click()  # the app's handler alone now: one switch per click
    expect(html).not_to_have_class(DARK)
    page.reload()
    expect(html).not_to_have_class(DARK)


def test_a_language_chosen_before_the_app_started_is_applied_and_remembered(app_url: str, page: Page) -> None:
    boot = HeldBoot(page)
    boot.open(app_url + "/destinations/japan")
    page.get_by_test_id("language-select").select_option("es")
    expect(page).to_have_url(re.compile(r"/destinations/japan\?lang=es$"))  # not undone by the app starting
    boot.wait()
    boot.release(language="es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Planes eSIM para Japón")
    expect(page.get_by_test_id("language-select")).to_have_value("es")
    page.goto(app_url + "/")  # no ?lang: the cookie remembers the choice
    expect(page.get_by_role("heading", name="Destinos populares")).to_be_visible()
    page.get_by_test_id("language-select").select_option("de")  # the app's handler once it runs
    expect(page.get_by_role("heading", name="Beliebte Reiseziele")).to_be_visible()


def test_a_question_opened_before_the_app_started_stays_open(app_url: str, page: Page) -> None:
    boot = HeldBoot(page)
    boot.open(app_url + "/")
    answer = page.get_by_text("Dial *#06#")
    expect(answer).to_be_hidden()
    page.get_by_text("Will it work on my phone?").click()
    expect(answer).to_be_visible()
    page.locator("summary", has_text="What is an eSIM?").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("a digital SIM card built into your phone")).to_be_visible()
    boot.release()
    expect(answer).to_be_visible()  # hydration left the question open
    expect(page.get_by_text("a digital SIM card built into your phone")).to_be_visible()
    page.get_by_text("Will it work on my phone?").click()
    expect(answer).to_be_hidden()


@pytest.fixture
def page_without_javascript(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_the_faq_opens_without_javascript(app_url: str, page_without_javascript: Page) -> None:
    page = page_without_javascript
    page.goto(app_url + "/")
    question = page.get_by_role("group").filter(has_text="Will it work on my phone?")
    expect(question).not_to_have_attribute("open", "")
    page.get_by_text("Will it work on my phone?").click()
    expect(page.get_by_text("Dial *#06#")).to_be_visible()
    expect(question).to_have_attribute("open", "")


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A page on a touch screen the width of a phone."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    yield context.new_page()
    context.close()


def _link(menu: Locator, name: str) -> Locator:
    """The menu's link named `name`, shown or not (`get_by_role` finds only those shown)."""
    return menu.locator("a", has_text=name)


def test_the_phone_menu_tapped_before_the_app_started_opens_and_its_links_work(app_url: str, phone: Page) -> None:
    boot = HeldBoot(phone)
    boot.open(app_url + "/")
    menu = phone.get_by_test_id("phone-menu")
    expect(_link(menu, "Global")).to_be_hidden()
    phone.get_by_test_id("phone-menu-button").tap()
    expect(menu.get_by_role("link")).to_have_text(MENU_LINKS)  # only the visible links
    _link(menu, "Global").tap()  # a plain link: the browser opens the page itself
    expect(phone).to_have_url(app_url + "/global")
    boot.wait()
    boot.release()
    expect(menu).not_to_have_attribute("open", "")
    expect(phone.get_by_test_id("plan-card").first).to_be_visible()


def test_the_phone_menu_opened_before_the_app_started_stays_open_then_toggles_once(app_url: str,
                                                                                   phone: Page) -> None:
    boot = HeldBoot(phone)
    boot.open(app_url + "/global")
    menu, button = phone.get_by_test_id("phone-menu"), phone.get_by_test_id("phone-menu-button")
    regions = _link(menu, "Regions")
    button.tap()
    boot.release()
    expect(regions).to_be_visible()  # hydration left the menu open
    button.tap()  # the app adds no handler of its own: one toggle per tap
    expect(regions).to_be_hidden()
    button.tap()
    expect(regions).to_be_visible()
    phone.get_by_role("heading", level=1).tap(position={"x": 4, "y": 4})  # outside the menu
    expect(regions).to_be_hidden()
    button.focus()
    phone.keyboard.press("Enter")
    expect(regions).to_be_visible()
    phone.keyboard.press("Tab")
    first = _link(menu, "Destinations")
    expect(first).to_be_focused()
    assert first.evaluate("el => getComputedStyle(el).outlineStyle") != "none", "a focus ring is drawn"
    phone.keyboard.press("Escape")
    expect(regions).to_be_hidden()
    expect(button).to_be_focused()
    button.tap()
    regions.tap()  # the app opens the landing page without reloading
    expect(phone).to_have_url(app_url + "/#regions")
    expect(phone.get_by_test_id("popular-destination").first).to_be_visible()
    expect(menu).not_to_have_attribute("open", "")
    button.tap()
    expect(regions).to_be_visible()


def test_the_phone_menu_opens_without_javascript(app_url: str, browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(app_url + "/")
    page.get_by_test_id("phone-menu-button").click()
    _link(page.get_by_test_id("phone-menu"), "Global").click()
    expect(page).to_have_url(app_url + "/global")
    context.close()
