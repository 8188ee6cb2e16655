"""The storefront in the reader's language: chosen from the browser, switched in the header."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from services.core import db
from services.core.models import User
from services.payments.stripe_payments import stripe_client
from tests.e2e.test_admin_refunds import app_stripe  # noqa: F401  (fixture)
from tests.e2e.test_currency import yen  # noqa: F401  (fixture)
from tests.e2e.helpers import enter_card
from tests.e2e.test_purchase import CARD_OK
from tests.e2e.test_sign_in import CODE


# Checks every frame from the first whether the English prerendered heading is on screen.
SEES_ENGLISH = """window.sawEnglish = false;
const look = () => {
  const body = document.body;
  if (body && getComputedStyle(body).visibility === "visible" && body.innerText.includes("Popular destinations")) {
    window.sawEnglish = true;
  }
  requestAnimationFrame(look);
};
requestAnimationFrame(look);"""


@pytest.fixture
def japanese_page(browser: Browser) -> Iterator[Page]:
    """A browser set up for Japanese: `navigator.language` and every request's Accept-Language."""
    context = browser.new_context(locale="ja-JP", extra_http_headers={"Accept-Language": "ja,en;q=0.5"})
    yield context.new_page()
    context.close()


def test_a_japanese_browser_gets_the_japanese_storefront_and_finds_japan_as_nihon(
        app_url: str, japanese_page: Page) -> None:
    page = japanese_page
    page.add_init_script(SEES_ENGLISH)
    page.goto(app_url + "/")
    expect(page.get_by_role("heading", name="人気の渡航先")).to_be_visible()
    assert page.evaluate("window.sawEnglish") is False  # the English prerendered page never showed first
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_test_id("language-select")).to_have_value("ja")
    page.get_by_test_id("destination-search").fill("日本")
    first = page.get_by_test_id("search-result").first
    expect(first).to_contain_text("日本")
    expect(first).to_have_attribute("href", "/destinations/japan")
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("日本のeSIMプラン")
    expect(page.get_by_test_id("plan-validity").first).to_contain_text("日間")
    expect(page.get_by_test_id("buy-button").first).to_have_text("今すぐ購入")


def test_other_spellings_find_japan_too(app_url: str, page: Page) -> None:
    page.goto(app_url + "/")
    search = page.get_by_test_id("destination-search")
    for query in ("Japón", "Japon", "Japan"):
        search.fill(query)
        expect(page.get_by_test_id("search-result").first).to_have_attribute("href", "/destinations/japan")


def test_switching_language_translates_the_page_and_is_remembered(app_url: str, page: Page) -> None:
    page.goto(app_url + "/destinations/japan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Japan eSIM plans")
    page.get_by_test_id("language-select").select_option("es")
    expect(page).to_have_url(re.compile(r"/destinations/japan\?lang=es$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Planes eSIM para Japón")
    expect(page.get_by_test_id("buy-button").first).to_have_text("Comprar ahora")
    expect(page.get_by_test_id("plan-validity").first).to_contain_text("días")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(app_url + "/")  # no ?lang: the cookie remembers the choice
    expect(page.get_by_role("heading", name="Destinos populares")).to_be_visible()
    expect(page.get_by_test_id("popular-destination").first).to_contain_text("Desde")
    page.get_by_test_id("language-select").select_option("de")
    expect(page.get_by_role("heading", name="Beliebte Reiseziele")).to_be_visible()
    page.goto(app_url + "/login")
    expect(page.get_by_role("heading", name="Anmelden oder Konto erstellen")).to_be_visible()


def test_pages_and_the_sitemap_name_every_language_version(app_url: str, page: Page) -> None:
    page.goto(app_url + "/destinations/japan")
    expect(page.get_by_test_id("plan-card").first).to_be_visible()
    alternate = page.locator('head link[rel="alternate"]')
    expect(alternate).to_have_count(6)  # five languages and x-default
    expect(page.locator('head link[rel="alternate"][hreflang="ja"]')).to_have_attribute(
        "href", re.compile(r"/destinations/japan\?lang=ja$"))
    sitemap = httpx.get(app_url + "/sitemap.xml").text
    entry = re.search(r"<url><loc>[^<]*/destinations/japan</loc>(.*?)</url>", sitemap)
    assert entry, sitemap[:500]
    assert re.findall(r'hreflang="([\w-]+)"', entry.group(1)) == ["en", "de", "es", "fr", "ja", "x-default"]


def _amount(text: str) -> int:
    """"￥1,513" -> 1513 (yen have no minor unit)."""
    return int(re.sub(r"\D", "", text))


def test_a_japanese_traveller_buys_in_yen_in_japanese_and_gets_the_japanese_esim_email(
        app_url: str, app_stripe, yen, japanese_page: Page) -> None:  # noqa: F811
    page, email = japanese_page, f"yuki-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(app_url + "/")
    page.get_by_test_id("destination-search").fill("日本")
    page.get_by_test_id("search-result").first.click()
    page.get_by_test_id("plan-card").first.get_by_role("link", name="詳細").click()
    expect(page).to_have_url(re.compile(r"/plans/"))
    # the address changes before the plan page's code has loaded: until then the list's buttons are shown
    expect(page.get_by_test_id("buy-button")).to_have_count(1)
    expect(page.get_by_test_id("buy-button")).to_have_text("このプランを購入")
    page.get_by_test_id("currency-select").click()
    page.get_by_role("option", name="JPY", exact=True).click()
    expect(page.get_by_test_id("plan-price")).to_contain_text("￥")  # yen, as Japanese readers write it
    plan_price = page.get_by_test_id("plan-price").inner_text()
    page.get_by_test_id("buy-button").click()
    expect(page.get_by_role("heading", name="ログインしてお支払い")).to_be_visible()
    page.get_by_test_id("checkout-sign-in").click()
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_text("6桁のコードを送信しました")).to_be_visible()
    inbox = page.context.new_page()
    inbox.goto(app_url + "/sandbox/inbox")
    code_mail = inbox.get_by_test_id("inbox-message").filter(has_text=email).first
    expect(code_mail).to_contain_text("のログインコード")
    page.get_by_test_id("code-input").fill(CODE.search(code_mail.inner_text()).group(1))
    page.get_by_test_id("verify-code").click()
    expect(page.get_by_test_id("checkout-total")).to_have_text(plan_price)
    enter_card(page, CARD_OK)
    expect(page.get_by_test_id("pay-button")).to_have_text(f"{plan_price}を支払う")
    page.get_by_test_id("pay-button").click()
    expect(page.get_by_test_id("order-status")).to_have_text("completed", timeout=30_000)
    expect(page.get_by_role("link", name="eSIMをインストール")).to_be_visible()
    # Stripe (localstripe) was asked for exactly the yen shown
    with db.get_engine().connect() as conn:
        intent_id = conn.execute(sa.text("SELECT stripe_payment_intent_id FROM orders WHERE display_id = :ref"),
                                 {"ref": page.url.rsplit("/", 1)[1]}).scalar_one()
    intent = stripe_client().v1.payment_intents.retrieve(intent_id)
    assert (intent.currency, intent.amount) == ("jpy", _amount(plan_price))
    # the eSIM email is in Japanese, with the price as shown
    inbox.reload()
    ready = inbox.get_by_test_id("inbox-message").filter(has_text=email).filter(has_text="eSIMの準備ができました")
    expect(ready).to_have_count(1)
    for words in ("日本", "インストール方法", plan_price):
        expect(ready).to_contain_text(words)


def _lang_cookie(page: Page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == "lang"), None)


def test_a_customers_profile_language_is_known_before_the_app_starts_on_the_next_visit(
        app_url: str, page: Page) -> None:
    """The head script (`esim_app.i18n.language_guard`) cannot see the profile, only `?lang=`, the `lang`
    cookie and the browser's languages: signing in, and changing the profile's language, leave the
    profile's language in that cookie, so an English browser never shows a Japanese customer English first."""
    email = f"kenji-{uuid.uuid4().hex[:8]}@example.com"
    with db.session() as s:
        s.add(User(email=email, language="ja", is_verified=True))
        s.commit()
    page.goto(app_url + "/login?next=%2Faccount%2Fprofile")
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("send-code").click()
    inbox = page.context.new_page()
    inbox.goto(app_url + "/sandbox/inbox")
    code_mail = inbox.get_by_test_id("inbox-message").filter(has_text=email).first
    page.get_by_test_id("code-input").fill(CODE.search(code_mail.inner_text()).group(1))
    page.get_by_test_id("verify-code").click()
    expect(page.locator("html")).to_have_attribute("data-language", "ja")  # the profile decides
    expect(page.get_by_test_id("profile-save")).to_be_visible()
    assert _lang_cookie(page) == "ja"
    page.add_init_script(SEES_ENGLISH)
    page.goto(app_url + "/")
    expect(page.get_by_role("heading", name="人気の渡航先")).to_be_visible()
    assert page.evaluate("window.sawEnglish") is False
    # a new language in the profile is remembered the same way
    page.goto(app_url + "/account/profile")
    page.locator("select[name=language]").select_option("de")
    page.get_by_test_id("profile-save").click()
    expect(page.locator("html")).to_have_attribute("data-language", "de")
    assert _lang_cookie(page) == "de"
    page.goto(app_url + "/")
    expect(page.get_by_role("heading", name="Beliebte Reiseziele")).to_be_visible()
    assert page.evaluate("window.sawEnglish") is False
