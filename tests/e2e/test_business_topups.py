"""A company admin orders two eSIMs on account, then tops both up from /business/esims in one go and
watches the top-up reach 2 of 2."""

import re
import uuid

from playwright.sync_api import Page, expect
from sqlmodel import col, select

from services.core import db
from services.core.models import EnterpriseAccount, Package
from tests.e2e.helpers import COMPANY_PASSWORD as PASSWORD
from tests.e2e.helpers import business_signs_in
from tests.support.enterprise import company_user


def _plan() -> Package:
    with db.session() as s:
        return s.exec(select(Package).where(col(Package.is_enabled), col(Package.is_best_price), ~col(Package.is_topup),
                                            col(Package.provider_id) == "airalo", col(Package.kind) == "local")
                      .order_by(col(Package.id)).limit(1)).one()


def test_a_company_admin_tops_up_two_esims_on_account(app_url: str, page: Page) -> None:
    email = f"topup-{uuid.uuid4().hex[:8]}@example.com"
    company_id, _ = company_user(email, PASSWORD, company="Topped Travel")
    plan = _plan()
    with db.session() as s, s.begin():
        s.get(EnterpriseAccount, company_id).credit_limit_cents = plan.price_cents * 100  # type: ignore[union-attr]

    business_signs_in(page, app_url, email, "/business/orders")
    page.get_by_test_id("plan-search").fill(plan.destination_name)
    page.get_by_test_id("plan-search").press("Enter")
    expect(page.get_by_test_id("order-plan").locator(f"option[value='{plan.id}']")).to_have_count(1)
    page.get_by_test_id("order-plan").select_option(str(plan.id))
    page.get_by_test_id("order-quantity").fill("2")
    page.get_by_test_id("order-payment").select_option("account")
    page.get_by_test_id("place-order").click()
    expect(page.get_by_test_id("bulk-progress")).to_have_text("2 of 2", timeout=90_000)

    page.goto(app_url + "/business/esims")
    boxes = page.get_by_test_id("topup-select")
    expect(boxes).to_have_count(2)
    for i in (0, 1):  # the box shows the server's choice: click, then wait for it
        boxes.nth(i).click()
        expect(boxes.nth(i)).to_be_checked()
    expect(page.get_by_test_id("topup-count")).to_have_text("Top up 2 eSIMs")
    page.get_by_test_id("topup-find").click()
    expect(page.get_by_test_id("topup-plan").locator("option").first).to_contain_text("in all")
    page.get_by_test_id("topup-submit").click()
    result = page.get_by_test_id("topup-result")
    expect(result).to_contain_text(re.compile(r"Top-up BLK[0-9A-Z]+ placed for 2 eSIMs"))
    result.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/business/orders/BLK[0-9A-Z]{12}$"))
    expect(page.get_by_test_id("bulk-progress")).to_have_text("2 of 2", timeout=90_000)
    expect(page.get_by_test_id("order-status")).to_have_text("completed")
