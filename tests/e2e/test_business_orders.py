"""A company admin signs in, orders 3 eSIMs on account at the tier price, watches them become ready and
downloads the order's PDF receipt."""

import re

from playwright.sync_api import Page, expect

from services.core import db
from services.core.models import VolumeTier
from tests.e2e.helpers import choose_bulk_plan, company_buyer_signs_in, downloaded_pdf_text, local_plan


def test_a_company_admin_orders_three_esims_on_account_and_sees_3_of_3(app_url: str, page: Page) -> None:
    plan = local_plan()
    company_id = company_buyer_signs_in(page, app_url, "Bulk Buyers", plan)
    with db.session() as s, s.begin():
        s.add(VolumeTier(enterprise_account_id=company_id, min_quantity=3, discount_bp=1000))

    choose_bulk_plan(page, plan, 3)
    expect(page.get_by_test_id("order-price")).to_contain_text("volume discount 10 %")
    page.get_by_test_id("order-payment").select_option("account")
    page.get_by_test_id("place-order").click()

    expect(page).to_have_url(re.compile(r"/business/orders/BLK[0-9A-Z]{12}$"))
    expect(page.get_by_test_id("bulk-progress")).to_have_text("3 of 3", timeout=90_000)
    expect(page.get_by_test_id("order-status")).to_have_text("completed")
    ref = page.url.rsplit("/", 1)[-1]
    text = downloaded_pdf_text(page, page.get_by_test_id("receipt-link"), ref)
    assert ref in text and "Total charged to your account" in text and "Bulk Buyers" in text

    page.goto(app_url + "/business/orders")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    expect(page.get_by_test_id("order-row").first).to_contain_text("3 of 3")
    page.goto(app_url + "/business")
    expect(page.get_by_test_id("kpi-esims-in-stock")).to_have_text("3")
    page.goto(app_url + "/business/billing")
    expect(page.get_by_test_id("statement-row")).to_have_count(1)
