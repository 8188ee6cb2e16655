"""A customer downloads the PDF receipt of a paid order from their order history and from the order page."""

import re

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from services.core import db, format_money
from tests.e2e.helpers import downloaded_pdf_text
from tests.e2e.test_support_and_profile import _sign_in
from tests.support.orders import best_offer, paid_order


def _paid_order_of(email: str) -> tuple[str, str]:
    """A paid order for the customer who signed in as `email`: its reference and the amount charged."""
    with db.get_engine().connect() as conn:
        user_id = conn.execute(sa.text("SELECT id FROM users WHERE email = :e"), {"e": email}).scalar_one()
    order_id = paid_order(user_id, best_offer("airalo", with_alternatives=False))
    with db.get_engine().connect() as conn:
        ref, cents, currency = conn.execute(sa.text("SELECT display_id, price_cents, currency FROM orders "
                                                    "WHERE id = :id"), {"id": order_id}).one()
    return ref, format_money(cents, currency)


def test_a_customer_downloads_the_receipt_of_a_paid_order(app_url: str, page: Page) -> None:
    email = _sign_in(page, app_url, "/account")
    ref, amount = _paid_order_of(email)

    page.goto(app_url + "/account/orders")
    row = page.get_by_test_id("order-row").filter(has_text=ref)
    expect(row).to_be_visible()
    text = downloaded_pdf_text(page, row.get_by_test_id("receipt-link"), ref)
    assert ref in text and f"Total paid by card {amount}" in text and email in text

    page.goto(app_url + f"/orders/{ref}")
    link = page.get_by_test_id("receipt-link")
    expect(link).to_have_text(re.compile("Download receipt"))
    assert ref in downloaded_pdf_text(page, link, ref)
