"""A company with eSIMs in stock uploads a CSV of its people (one bad row is refused with its line
number, then fixed), every eSIM is assigned; a recipient opens the install page from the email in
the sandbox inbox and its QR code decodes to the activation string shown; the company downloads
the allocations CSV, one row per person."""

from __future__ import annotations

import csv
import io
import pathlib
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.helpers import COMPANY_PASSWORD, INSTALL, business_signs_in, inbox_link, qr_text
from tests.support.enterprise import company_esims, company_user
PEOPLE = 5


def _csv(path: pathlib.Path, tag: str, *, bad_line: int | None) -> str:
    lines = ["name,email"] + [f"Traveller {i},t{i}-{tag}@example.com" for i in range(PEOPLE)]
    if bad_line is not None:
        lines[bad_line - 1] = f"Traveller {bad_line},not-an-address"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_company_assigns_its_esims_by_csv_and_an_employee_installs(app_url: str, page: Page,
                                                                      tmp_path: pathlib.Path) -> None:
    tag = uuid.uuid4().hex[:8]
    email = f"travel-{tag}@example.com"
    company_id, _ = company_user(email, COMPANY_PASSWORD, company="Acme Travel")
    company_esims(company_id, PEOPLE)
    business_signs_in(page, app_url, email, "/business/esims")
    expect(page.get_by_test_id("esim-row")).to_have_count(PEOPLE)
    expect(page.get_by_test_id("esim-status").first).to_have_text("In stock")

    page.get_by_test_id("assign-csv").set_input_files(_csv(tmp_path / "bad.csv", tag, bad_line=3))
    page.get_by_test_id("assign-submit").click()
    expect(page.get_by_test_id("assign-error")).to_contain_text("Line 3: 'not-an-address' is not a valid email")
    expect(page.get_by_test_id("assign-error")).to_contain_text("nothing was assigned")
    expect(page.get_by_test_id("esim-status").filter(has_text="Assigned")).to_have_count(0)

    page.get_by_test_id("assign-csv").set_input_files(_csv(tmp_path / "good.csv", tag, bad_line=None))
    page.get_by_test_id("assign-submit").click()
    expect(page.get_by_test_id("assign-result")).to_contain_text(f"Assigned {PEOPLE} eSIMs")
    expect(page.get_by_test_id("assign-error")).to_have_count(0)
    expect(page.get_by_test_id("esim-status").filter(has_text="Assigned")).to_have_count(PEOPLE)
    expect(page.get_by_test_id("esim-recipient").filter(has_text=f"t2-{tag}@example.com")).to_have_count(1)

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    rows = list(csv.reader(io.StringIO(pathlib.Path(download.value.path()).read_text())))
    assert rows[0][:4] == ["esim_ref", "iccid", "recipient_name", "recipient_email"]
    assert sorted(r[3] for r in rows[1:]) == sorted(f"t{i}-{tag}@example.com" for i in range(PEOPLE))

    employee = page.context.new_page()
    employee.goto(app_url + inbox_link(employee, app_url, f"t2-{tag}@example.com", INSTALL))
    expect(employee.get_by_test_id("esim-lpa")).to_contain_text("LPA:1$")
    shown = employee.get_by_test_id("esim-lpa").inner_text().strip()
    assert qr_text(employee.get_by_test_id("esim-qr")) == [shown]
    assert shown in (employee.get_by_test_id("ios-install-link").get_attribute("href") or "").replace(
        "%3A", ":").replace("%24", "$")
