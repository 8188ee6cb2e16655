"""The enterprise journey of issue 10, all through the browser: staff create a company at
/admin/enterprise; its contact sets a password from the invitation in the sandbox inbox and requests a
quote for 20 eSIMs; staff price it at /admin/quotes/[ref]; the company accepts, pays on account and
watches the order reach "20 of 20"; it uploads a CSV of 20 employees (one bad row is refused with its
line number, then fixed) and all 20 are assigned; an employee opens the install page from the email
and its QR code decodes to the activation string shown; the allocations CSV has 20 rows; the overview
shows the $50.00 spent and 20 eSIMs assigned."""

from __future__ import annotations

import csv
import io
import pathlib
import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import INSTALL, business_signs_in, contact_sets_password, inbox_link, qr_text, staff_signs_in

EMPLOYEES = 20
BAD_LINE = 8  # of the file, the header being line 1


def _employees_csv(path: pathlib.Path, tag: str, *, bad: bool) -> str:
    lines = ["name,email"] + [f"Employee {i},e{i}-{tag}@example.com" for i in range(EMPLOYEES)]
    if bad:
        lines[BAD_LINE - 1] = f"Employee {BAD_LINE - 2},e{BAD_LINE - 2}-{tag}.example.com"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _staff_create_the_company(page: Page, app_url: str, company: str, contact: str) -> None:
    staff_signs_in(page, app_url, "/admin/enterprise", role="owner")
    page.get_by_test_id("new-company").click()
    page.get_by_test_id("company-name").fill(company)
    page.get_by_test_id("company-email").fill(contact)
    page.get_by_test_id("company-credit-limit").fill("5000")
    page.get_by_test_id("create-company").click()
    expect(page.get_by_test_id("company-row").filter(has_text=company)).to_contain_text("$5,000.00")


def _company_requests_a_quote(buyer: Page, app_url: str, contact: str) -> str:
    contact_sets_password(buyer, app_url, contact)
    business_signs_in(buyer, app_url, contact, "/business/quotes")
    buyer.get_by_test_id("new-quote").click()
    plan = buyer.get_by_test_id("quote-plan")
    expect(plan.locator("option")).not_to_have_count(1)  # the plans have loaded
    plan.select_option(index=1)
    buyer.get_by_test_id("quote-quantity").fill(str(EMPLOYEES))
    buyer.get_by_test_id("quote-note").fill("Offsite in Lisbon")
    buyer.get_by_test_id("quote-submit").click()
    expect(buyer).to_have_url(re.compile(r"/business/quotes/QTE\w+$"))
    expect(buyer.get_by_test_id("quote-status")).to_have_text("requested")
    return buyer.url.rsplit("/", 1)[1]


def _staff_price_it(page: Page, app_url: str, ref: str) -> None:
    page.goto(app_url + "/admin/quotes")
    page.get_by_test_id("quote-row").filter(has_text=ref).click()
    expect(page).to_have_url(re.compile(rf"/admin/quotes/{ref}$"))
    page.get_by_test_id("quote-line-price").fill("2.50")
    page.get_by_test_id("send-quote").click()
    expect(page.get_by_test_id("quote-status")).to_have_text("priced")
    expect(page.get_by_test_id("quote-total")).to_have_text("$50.00")


def _company_accepts_and_pays_on_account(buyer: Page, app_url: str) -> None:
    buyer.reload()
    expect(buyer.get_by_test_id("quote-total")).to_have_text("$50.00")
    buyer.get_by_test_id("accept-quote").click()
    expect(buyer.get_by_test_id("quote-status")).to_have_text("accepted")
    buyer.get_by_test_id("quote-order").click()
    expect(buyer).to_have_url(re.compile(r"/business/orders/BLK[0-9A-Z]{12}$"))
    buyer.get_by_test_id("pay-on-account").click()
    expect(buyer.get_by_test_id("bulk-progress")).to_have_text(f"{EMPLOYEES} of {EMPLOYEES}", timeout=120_000)
    expect(buyer.get_by_test_id("order-status")).to_have_text("completed")
    order_ref = buyer.url.rsplit("/", 1)[1]
    mail = buyer.context.new_page()  # the "order ready" email
    assert inbox_link(mail, app_url, order_ref, re.compile(rf"/business/orders/{order_ref}")).endswith(order_ref)
    mail.close()


def _company_assigns_by_csv(buyer: Page, app_url: str, folder: pathlib.Path, tag: str) -> None:
    buyer.goto(app_url + "/business/esims")
    expect(buyer.get_by_test_id("esim-row")).to_have_count(EMPLOYEES)
    buyer.get_by_test_id("assign-csv").set_input_files(_employees_csv(folder / "bad.csv", tag, bad=True))
    buyer.get_by_test_id("assign-submit").click()
    expect(buyer.get_by_test_id("assign-error-row")).to_have_count(1)
    expect(buyer.get_by_test_id("assign-error-row")).to_contain_text(f"Line {BAD_LINE}:")
    expect(buyer.get_by_test_id("assign-error")).to_contain_text("nothing was assigned")
    buyer.get_by_test_id("assign-csv").set_input_files(_employees_csv(folder / "good.csv", tag, bad=False))
    buyer.get_by_test_id("assign-submit").click()
    expect(buyer.get_by_test_id("assign-result")).to_contain_text(f"Assigned {EMPLOYEES} eSIMs")
    expect(buyer.get_by_test_id("assign-error")).to_have_count(0)
    expect(buyer.get_by_test_id("esim-status").filter(has_text="Assigned")).to_have_count(EMPLOYEES)


def _employee_installs(employee: Page, app_url: str, email: str) -> None:
    employee.goto(app_url + inbox_link(employee, app_url, email, INSTALL))
    expect(employee.get_by_test_id("esim-lpa")).to_contain_text("LPA:1$")
    shown = employee.get_by_test_id("esim-lpa").inner_text().strip()
    assert qr_text(employee.get_by_test_id("esim-qr")) == [shown]


def _company_exports_allocations(buyer: Page) -> list[dict[str, str]]:
    buyer.get_by_test_id("export-kind").select_option("allocations")
    with buyer.expect_download() as download:
        buyer.get_by_test_id("export-csv").click()
    return list(csv.DictReader(io.StringIO(pathlib.Path(download.value.path()).read_text(encoding="utf-8"))))


def test_staff_create_a_company_that_buys_20_esims_on_a_quote_and_hands_them_out(
        app_url: str, page: Page, browser: Browser, tmp_path: pathlib.Path) -> None:
    tag = uuid.uuid4().hex[:8]
    company, contact = f"Globex {tag}", f"travel-{tag}@example.com"
    _staff_create_the_company(page, app_url, company, contact)
    buyer = browser.new_context(accept_downloads=True).new_page()  # the company's own browser
    ref = _company_requests_a_quote(buyer, app_url, contact)
    _staff_price_it(page, app_url, ref)
    _company_accepts_and_pays_on_account(buyer, app_url)
    _company_assigns_by_csv(buyer, app_url, tmp_path, tag)
    _employee_installs(browser.new_context().new_page(), app_url, f"e{BAD_LINE - 2}-{tag}@example.com")

    rows = _company_exports_allocations(buyer)
    assert len(rows) == EMPLOYEES
    assert sorted(r["recipient_email"] for r in rows) == sorted(f"e{i}-{tag}@example.com" for i in range(EMPLOYEES))

    buyer.goto(app_url + "/business")
    expect(buyer.get_by_test_id("kpi-esims-assigned")).to_have_text(str(EMPLOYEES))
    expect(buyer.get_by_test_id("kpi-esims-in-stock")).to_have_text("0")
    expect(buyer.get_by_test_id("kpi-spend")).to_have_text("$50.00")
    expect(buyer.get_by_test_id("kpi-credit-available")).to_have_text("$4,950.00")
