"""Steps that several e2e tests share: staff sign-in with TOTP, links and text from the sandbox inbox,
a paid and delivered order through the running app's sandbox, a card typed into the card element,
a company contact's first password and sign-in, a company buyer with credit placing a bulk order, and
reading an install page's QR code."""

from __future__ import annotations

import asyncio
import base64
import io
import re
import time
import uuid

import PIL.Image
import pyotp
import pypdf
import zxingcpp
from playwright.sync_api import Locator, Page, expect
from sqlmodel import col, select

from providers.registry import ProviderRegistry, build_registry
from services.accounts import passwords
from services.core import db
from services.core.models import EnterpriseAccount, Package
from services.core.provider_runtime import sandbox_urls
from services.core.settings import Settings
from services.orders import ordering
from services.payments import stripe_payments
from services.sandbox import localstripe
from tests.e2e.conftest import APP_ENV
from tests.support.enterprise import company_user
from tests.support.orders import best_offer, order_row
from tests.support.staff import staff_sign_in, totp_secret

STAFF_PASSWORD = "a long admin passphrase"
COMPANY_PASSWORD = "a long business passphrase"
INVITE = re.compile(r"/business/invite/[A-Za-z0-9_-]+")
INSTALL = re.compile(r"/install/[A-Za-z0-9_-]+")


def staff_signs_in(page: Page, app_url: str, target: str, *, role: str = "owner") -> str:
    """A new staff member of `role` opens `target`, is sent to the sign-in page, and signs in with
    password and the authenticator's next code; their email. The TOTP is enrolled beforehand, as
    after a first sign-in."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    admin_id = passwords.create_admin(email, STAFF_PASSWORD, name="Olive", staff_role=role)
    staff_sign_in(email, STAFF_PASSWORD)
    totp = pyotp.TOTP(totp_secret(admin_id))
    page.goto(app_url + target)
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(STAFF_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("totp-input").fill(totp.generate_otp(totp.timecode(time.time()) + 1))
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(re.escape(target) + "/?$"))
    return email


def inbox_link(page: Page, app_url: str, text: str, link: re.Pattern[str]) -> str:
    """The path matching `link` in the newest sandbox email that mentions `text`."""
    page.goto(app_url + "/sandbox/inbox")
    message = page.get_by_test_id("inbox-message").filter(has_text=text).first
    expect(message).to_be_visible()
    found = link.search(message.inner_text())
    assert found, f"no {link.pattern} in the email to {text}"
    return found.group(0)


def inbox_text(page: Page, app_url: str, *texts: str) -> str:
    """The text of the newest sandbox email that mentions every one of `texts`, read in a tab of its own
    (the page stays where it is)."""
    inbox = page.context.new_page()
    inbox.goto(app_url + "/sandbox/inbox")
    message = inbox.get_by_test_id("inbox-message")
    for text in texts:
        message = message.filter(has_text=text)
    expect(message.first).to_be_visible()
    body = message.first.inner_text()
    inbox.close()
    return body


def business_signs_in(page: Page, app_url: str, email: str, target: str, *,
                      password: str = COMPANY_PASSWORD) -> None:
    """A company user opens `target`, is sent to /business/login, signs in and lands on `target`."""
    page.goto(app_url + target)
    expect(page).to_have_url(re.compile(r"/business/login\?next="))
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(re.escape(target) + "/?$"))


def local_plan(*, provider_id: str | None = None) -> Package:
    """The first enabled best-price local plan (of `provider_id`, when given)."""
    query = select(Package).where(col(Package.is_enabled), col(Package.is_best_price), ~col(Package.is_topup),
                                  col(Package.kind) == "local")
    if provider_id is not None:
        query = query.where(col(Package.provider_id) == provider_id)
    with db.session() as s:
        return s.exec(query.order_by(col(Package.id)).limit(1)).one()


def company_buyer_signs_in(page: Page, app_url: str, company: str, plan: Package) -> int:
    """The admin of a new company with credit for 100 of `plan` signs in at /business/orders; the company's id."""
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    company_id, _ = company_user(email, COMPANY_PASSWORD, company=company)
    with db.session() as s, s.begin():
        s.get(EnterpriseAccount, company_id).credit_limit_cents = plan.price_cents * 100  # type: ignore[union-attr]
    business_signs_in(page, app_url, email, "/business/orders")
    return company_id


def choose_bulk_plan(page: Page, plan: Package, quantity: int) -> None:
    """On /business/orders: find `plan` by its destination, choose it and `quantity`."""
    page.get_by_test_id("plan-search").fill(plan.destination_name)
    page.get_by_test_id("plan-search").press("Enter")
    expect(page.get_by_test_id("order-plan").locator(f"option[value='{plan.id}']")).to_have_count(1)
    page.get_by_test_id("order-plan").select_option(str(plan.id))
    page.get_by_test_id("order-quantity").fill(str(quantity))
    expect(page.get_by_test_id("order-price")).to_contain_text("total")  # the server priced the choice


def enter_card(page: Page, number: str) -> None:
    """Type a card into the card element (localstripe's stand-in for Stripe's)."""
    card = page.get_by_test_id("card-element")
    expect(card.locator("input")).to_have_count(5)
    for field, value in (("number", number), ("exp_month", "12"), ("exp_year", "34"), ("cvc", "123"),
                         ("postal_code", "10115")):
        card.locator(f"input[placeholder={field}]").fill(value)


def contact_sets_password(page: Page, app_url: str, email: str, *, password: str = COMPANY_PASSWORD) -> None:
    """A company's contact follows the invitation in the sandbox inbox and sets a password."""
    page.goto(app_url + inbox_link(page, app_url, email, INVITE))
    page.get_by_test_id("password-input").fill(password)
    page.get_by_test_id("password-confirm").fill(password)
    page.get_by_test_id("set-password").click()
    expect(page.get_by_test_id("password-set")).to_be_visible()


def qr_text(image: Locator) -> list[str]:
    """What the QR codes in an `<img>` with a data: URL decode to."""
    src = image.get_attribute("src") or ""
    assert src.startswith("data:image/"), f"not an inline image: {src[:40]!r}"
    picture = PIL.Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    return [code.text for code in zxingcpp.read_barcodes(picture)]


def app_registry() -> ProviderRegistry:
    """Clients of the running app's simulators, as the app's own (their calls are recorded too)."""
    settings = Settings(_env_file=None, esim_env="test", app_port=int(APP_ENV["APP_PORT"]))
    return build_registry(settings, sandbox_urls=sandbox_urls(settings))


async def delivered_card_order(user_id: int, registry: ProviderRegistry) -> int:
    """A customer's order of an Airalo plan, paid by card on the app's localstripe and delivered by its
    simulators (the app's own webhook may race this fulfilment: either wins); the order's id."""
    created = ordering.create_order(user_id, plan_slug=best_offer("airalo", with_alternatives=False).slug)
    start = stripe_payments.start_payment(created.id)
    localstripe.confirm_card(APP_ENV["STRIPE_API_BASE"], client_secret=start.client_secret,
                             card_number="4242424242424242", secret_key=APP_ENV["STRIPE_SECRET_KEY"],
                             publishable_key=APP_ENV["STRIPE_PUBLISHABLE_KEY"])
    assert stripe_payments.refresh_payment(created.id) == "succeeded"
    await ordering.fulfil_paid_order(created.id, registry=registry)
    for _ in range(100):
        if order_row(created.id).status == "completed":
            break
        await asyncio.sleep(0.2)
    return created.id


def downloaded_pdf_text(page: Page, link, ref: str) -> str:
    """Click `link`, check the download is `receipt-{ref}.pdf`, and return its first page's text."""
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"receipt-{ref}.pdf"
    content = open(download.value.path(), "rb").read()
    assert content.startswith(b"%PDF")
    return pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
