"""A company admin signs in, orders 3 eSIMs on account at the tier price, and watches them become ready."""

import re
import uuid

from playwright.sync_api import Page, expect
from sqlmodel import col, select

from services.core import db
from services.core.models import EnterpriseAccount, Package, VolumeTier
from tests.e2e.helpers import COMPANY_PASSWORD as PASSWORD
from tests.e2e.helpers import business_signs_in
from tests.support.enterprise import company_user


def _plan() -> Package:
    with db.session() as s:
        return s.exec(select(Package).where(col(Package.is_enabled), col(Package.is_best_price),
                                            ~col(Package.is_topup), col(Package.kind) == "local")
                      .order_by(col(Package.id)).limit(1)).one()


def test_a_company_admin_orders_three_esims_on_account_and_sees_3_of_3(app_url: str, page: Page) -> None:
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    company_id, _ = company_user(email, PASSWORD, company="Bulk Buyers")
    plan = _plan()
    with db.session() as s, s.begin():
        s.get(EnterpriseAccount, company_id).credit_limit_cents = plan.price_cents * 100  # type: ignore[union-attr]
        s.add(VolumeTier(enterprise_account_id=company_id, min_quantity=3, discount_bp=1000))

    business_signs_in(page, app_url, email, "/business/orders")

    page.get_by_test_id("plan-search").fill(plan.destination_name)
    page.get_by_test_id("plan-search").press("Enter")
    expect(page.get_by_test_id("order-plan").locator(f"option[value='{plan.id}']")).to_have_count(1)
    page.get_by_test_id("order-plan").select_option(str(plan.id))
    page.get_by_test_id("order-quantity").fill("3")
    expect(page.get_by_test_id("order-price")).to_contain_text("volume discount 10 %")
    page.get_by_test_id("order-payment").select_option("account")
    page.get_by_test_id("place-order").click()

    expect(page).to_have_url(re.compile(r"/business/orders/BLK[0-9A-Z]{12}$"))
    expect(page.get_by_test_id("bulk-progress")).to_have_text("3 of 3", timeout=90_000)
    expect(page.get_by_test_id("order-status")).to_have_text("completed")

    page.goto(app_url + "/business/orders")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    expect(page.get_by_test_id("order-row").first).to_contain_text("3 of 3")
    page.goto(app_url + "/business")
    expect(page.get_by_test_id("kpi-esims-in-stock")).to_have_text("3")
    page.goto(app_url + "/business/billing")
    expect(page.get_by_test_id("statement-row")).to_have_count(1)
