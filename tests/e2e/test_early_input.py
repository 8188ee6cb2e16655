"""What a visitor does on a page before its app has started: typed text is taken up, no form is sent.

The built pages are painted before their JavaScript is fetched (`esim_app.plugins.PaintFirst`), so on
a slow phone a traveller can type in the landing page's or the device checker's search box, or type
and press Enter, before the app runs. The tests hold the page's boot script (`/assets/boot-*.js`)
until then, and let the app start: the results for what was typed must appear without another keystroke,
and no form is sent by the browser itself (it would put a password in the address).
"""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

BOOT_SCRIPT = "**/assets/boot-*.js"


class HeldBoot:
    """Holds every page's boot script until `release`."""

    def __init__(self, page: Page) -> None:
        self.page, self.held = page, []
        page.route(BOOT_SCRIPT, self._hold)

    def _hold(self, route: Route) -> None:
        self.held.append(route)

    def open(self, url: str) -> None:
        """Open `url` and return once its boot script is asked for (and held): the page is drawn, its
        app not started. Not `page.goto`: the e2e fixtures' `goto` waits for the app to run."""
        self.page.evaluate("url => { window.location.href = url; }", url)
        self.page.wait_for_url(url)
        self.wait()

    def wait(self) -> None:
        """Until the page now shown has asked for its boot script."""
        self.page.wait_for_function("() => !!document.querySelector('script[src*=\"/assets/boot-\"]')")

    def release(self, language: str = "en") -> None:
        """Let the page now shown start its app, which applies `language` (a page navigated away from
        keeps its request unanswered); the pages opened next start at once."""
        assert self.held, "the page asked for its boot script"
        assert self.page.evaluate("document.documentElement.dataset.language") is None, "the app had not started"
        self.held.pop().continue_()
        self.held.clear()
        self.page.unroute(BOOT_SCRIPT)
        expect(self.page.locator("html")).to_have_attribute("data-language", language)


def test_text_typed_before_the_app_started_is_searched(app_url: str, page: Page) -> None:
    boot = HeldBoot(page)
    boot.open(app_url + "/")
    search = page.get_by_test_id("destination-search")
    search.press_sequentially("jap")
    boot.release()
    expect(page.get_by_test_id("search-result").first).to_contain_text("Japan")
    expect(search).to_have_value("jap")


def test_enter_pressed_before_the_app_started_keeps_the_text_and_searches(app_url: str, page: Page) -> None:
    boot = HeldBoot(page)
    boot.open(app_url + "/")
    search = page.get_by_test_id("destination-search")
    search.press_sequentially("germ")
    search.press("Enter")  # no app yet: the browser would submit the form itself, to /?destination=germ
    boot.release()
    expect(search).to_have_value("germ")
    expect(page.get_by_test_id("search-result").first).to_contain_text("Germany")
    assert page.url == app_url + "/"


def test_a_password_form_sends_nothing_in_the_address_before_the_app_started(app_url: str, page: Page) -> None:
    boot = HeldBoot(page)
    boot.open(app_url + "/business/login")
    page.get_by_test_id("email-input").fill("boss@example.com")
    page.get_by_test_id("password-input").fill("a long business passphrase")
    page.get_by_test_id("password-input").press("Enter")
    page.get_by_test_id("login-submit").click()
    boot.release()
    assert page.url == app_url + "/business/login"  # not ?email=…&password=…, in history and proxy logs
    expect(page.get_by_test_id("password-input")).to_have_value("a long business passphrase")
    page.get_by_test_id("login-submit").click()  # the app now answers: no such account
    expect(page.get_by_test_id("login-error")).to_be_visible()


def test_a_phone_typed_in_the_device_checker_before_the_app_started_is_searched(app_url: str, page: Page) -> None:
    boot = HeldBoot(page)
    boot.open(app_url + "/devices")
    search = page.get_by_test_id("device-search")
    search.press_sequentially("pixel 8 pro")
    boot.release()
    expect(search).to_have_value("pixel 8 pro")  # a box bound to the server's empty query was cleared
    expect(page.get_by_test_id("device-model")).to_have_text(["Pixel 8 Pro"])
