"""The landing page as a traveller sees it: search, sections, dark mode, phone width."""

import re

import httpx
from playwright.sync_api import Page, expect


def test_landing_search_finds_japan_from_a_prefix(app_url: str, page: Page) -> None:
    page.goto(app_url + "/")
    search = page.get_by_test_id("destination-search")
    expect(search).to_be_visible()
    search.fill("jap")
    first = page.get_by_test_id("search-result").first
    expect(first).to_contain_text("Japan")
    expect(first).to_have_attribute("href", "/destinations/japan")


def test_landing_search_tolerates_aliases_and_typos(app_url: str, page: Page) -> None:
    page.goto(app_url + "/")
    search = page.get_by_test_id("destination-search")
    search.fill("USA")
    expect(page.get_by_test_id("search-result").first).to_contain_text("United States")
    search.fill("germny")
    expect(page.get_by_test_id("search-result").first).to_contain_text("Germany")
    search.fill("qqqq")
    expect(page.get_by_test_id("search-result")).to_have_count(0)
    expect(page.get_by_text("No destination matches that")).to_be_visible()


def test_landing_has_every_section_a_traveller_needs(app_url: str, page: Page) -> None:
    page.goto(app_url + "/")
    expect(page).to_have_title(re.compile("eSIM"))
    for heading in ("Popular destinations", "Travelling to several countries?", "How it works",
                    "Questions travellers ask"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_test_id("popular-destination")).to_have_count(12)
    expect(page.get_by_test_id("popular-destination").first).to_contain_text(re.compile(r"From \$\d+\.\d\d"))
    expect(page.locator("#regions a[href='/regions/europe']")).to_be_visible()
    expect(page.locator("a[href='/global']").first).to_be_visible()
    page.get_by_text("Will it work on my phone?").click()
    expect(page.get_by_text("Dial *#06#")).to_be_visible()


def test_dark_mode_toggle_persists_across_reload(app_url: str, page: Page) -> None:
    page.goto(app_url + "/")
    html = page.locator("html")
    expect(html).not_to_have_class(re.compile(r"\bdark\b"))
    page.get_by_test_id("color-mode-toggle").first.click()
    expect(html).to_have_class(re.compile(r"\bdark\b"))
    page.reload()
    expect(html).to_have_class(re.compile(r"\bdark\b"))
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 23, 42)"


def test_landing_fits_a_phone_screen(app_url: str, page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(app_url + "/")
    expect(page.get_by_test_id("destination-search")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"


def test_private_portals_send_visitors_to_sign_in(app_url: str, page: Page) -> None:
    for path, login in (("/account", "/login"), ("/business", "/business/login"), ("/admin", "/admin/login")):
        page.goto(app_url + path)
        expect(page).to_have_url(re.compile(f"{login}\\?next="))


def test_health_reports_the_database(app_url: str) -> None:
    response = httpx.get(app_url + "/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_country_codes_redirect_and_the_sitemap_lists_public_pages_only(app_url: str, page: Page) -> None:
    page.goto(app_url + "/destinations/jp")
    expect(page).to_have_url(re.compile(r"/destinations/japan$"))
    page.goto(app_url + "/regions/Europe")  # a region written otherwise goes to its address, and lists its plans
    expect(page).to_have_url(re.compile(r"/regions/europe$"))
    expect(page.get_by_test_id("plan-card").first).to_be_visible()
    sitemap = httpx.get(app_url + "/sitemap.xml").text
    assert "/destinations/japan</loc>" in sitemap and "/regions/europe</loc>" in sitemap
    assert "/account" not in sitemap and "/checkout" not in sitemap and "/sandbox" not in sitemap
