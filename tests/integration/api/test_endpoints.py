"""The business API's eSIMs, allocations and bulk orders, each acting for the key's company only."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
import pytest

from tests.support.business_api import Company, bearer, make_company


@pytest.fixture
def company(acme: Company) -> Company:
    """A fresh company per test (stock and orders of its own)."""
    return make_company(f"Co {uuid.uuid4().hex[:6]}")


def test_esims_are_listed_a_page_at_a_time_with_counts(client: httpx.Client, company: Company) -> None:
    first = client.get("/esims", params={"limit": 2}, headers=bearer(company.keys["read"])).json()
    second = client.get("/esims", params={"limit": 2, "page": 1}, headers=bearer(company.keys["read"])).json()
    assert first["total"] == 5 and first["counts"]["in_stock"] == 5
    assert len(first["esims"]) == len(second["esims"]) == 2
    assert {e["ref"] for e in first["esims"]}.isdisjoint(e["ref"] for e in second["esims"])
    one = client.get(f"/esims/{company.esims[0]}", headers=bearer(company.keys["read"]))
    assert one.status_code == 200 and one.json()["status"] == "in_stock" and "lpa" not in one.text.lower()


def test_allocating_gives_each_recipient_an_esim_and_a_second_claim_is_a_409(client: httpx.Client,
                                                                              company: Company) -> None:
    wanted = {"recipients": [{"name": "Ada Lovelace", "email": "ada@example.com"}], "esim_refs": company.esims[:1]}
    first = client.post("/allocations", json=wanted, headers=bearer(company.keys["distribute"]))
    assert first.status_code == 201, first.text
    assert first.json()["assigned"][0] | {"iccid": ""} == {"esim_ref": company.esims[0], "iccid": "",
                                                            "recipient_name": "Ada Lovelace",
                                                            "recipient_email": "ada@example.com"}
    again = {"recipients": [{"name": "Bob", "email": "bob@example.com"}], "esim_refs": company.esims[:1]}
    conflict = client.post("/allocations", json=again, headers=bearer(company.keys["distribute"]))
    assert conflict.status_code == 409
    assert conflict.json() | {"details": []} == {"error": "enterprise_allocation_conflict", "details": [],
                                                 "message": "Some eSIMs were already allocated. Please refresh."}
    assigned = client.get("/esims", params={"status": "assigned"}, headers=bearer(company.keys["read"])).json()
    assert [e["recipient_email"] for e in assigned["esims"]] == ["ada@example.com"]


def test_bad_recipients_are_refused_whole_naming_each(client: httpx.Client, company: Company) -> None:
    people = [{"name": "Ada", "email": "ada@example.com"}, {"name": "Bad", "email": "not-an-address"}]
    answer = client.post("/allocations", json={"recipients": people}, headers=bearer(company.keys["distribute"]))
    assert answer.status_code == 422 and answer.json()["error"] == "enterprise_recipients_invalid"
    assert [d["location"] for d in answer.json()["details"]] == ["body.recipients.1"]
    stock = client.get("/esims", headers=bearer(company.keys["read"])).json()["counts"]["in_stock"]
    assert stock == 5


def test_an_order_on_account_is_placed_once_per_idempotency_key(client: httpx.Client, company: Company,
                                                                 plan: str, no_provisioning: list[int]) -> None:
    body = {"lines": [{"plan_ref": plan, "quantity": 3}], "idempotency_key": "po-4711"}
    first = client.post("/orders", json=body, headers=bearer(company.keys["order"]))
    again = client.post("/orders", json=body, headers=bearer(company.keys["order"]))
    assert first.status_code == again.status_code == 201, first.text
    order = first.json()
    assert again.json()["ref"] == order["ref"] and order["quantity"] == 3 and order["total_cents"] == 3 * 799
    listed = client.get("/orders", headers=bearer(company.keys["read"])).json()
    assert listed["total"] == 1 and listed["orders"][0]["ref"] == order["ref"]
    one = client.get(f"/orders/{order['ref']}", headers=bearer(company.keys["read"])).json()
    assert one["lines"][0]["quantity"] == 3 and one["status"] == "provisioning"


def test_an_order_beyond_the_credit_is_a_409(client: httpx.Client, plan: str) -> None:
    poor = make_company(f"Poor {uuid.uuid4().hex[:6]}", esims=0, credit_cents=1000)
    answer = client.post("/orders", json={"lines": [{"plan_ref": plan, "quantity": 2}]},
                         headers=bearer(poor.keys["order"]))
    assert answer.status_code == 409 and answer.json()["error"] == "enterprise_credit_exceeded"


def test_an_unknown_plan_is_refused(client: httpx.Client, company: Company) -> None:
    answer = client.post("/orders", json={"lines": [{"plan_ref": "no-such-plan", "quantity": 1}]},
                         headers=bearer(company.keys["order"]))
    assert answer.status_code == 404 and answer.json()["error"] == "enterprise_plan_unavailable"


def test_exports_stream_the_companys_csv(client: httpx.Client, company: Company) -> None:
    answer = client.get("/exports/esims.csv", headers=bearer(company.keys["read"]))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert len(rows) == 1 + 5
    assert client.get("/exports/secrets.csv", headers=bearer(company.keys["read"])).status_code == 404


@pytest.mark.parametrize("path", ["/esims/{esim}", "/orders/{order}"])
def test_another_companys_objects_are_404(client: httpx.Client, company: Company, globex: Company, plan: str,
                                          path: str) -> None:
    order = client.post("/orders", json={"lines": [{"plan_ref": plan, "quantity": 1}]},
                        headers=bearer(company.keys["order"])).json()["ref"]
    target = path.format(esim=company.esims[0], order=order)
    assert client.get(target, headers=bearer(company.keys["read"])).status_code == 200
    answer = client.get(target, headers=bearer(globex.keys["all"]))
    assert answer.status_code == 404 and answer.json()["error"].endswith("_not_found")


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/esims", {"search": "a\x00b"}, 422),
    ("/catalog", {"destination": "J\x00P"}, 422),
    ("/esims/a%00b", {}, 404),
    ("/orders/x%00", {}, 404),
    ("/exports/secrets%00.csv", {}, 404),
])
def test_nul_and_control_characters_are_refused_not_sent_to_the_database(client: httpx.Client, acme: Company,
                                                                          path: str, params: dict,
                                                                          status: int) -> None:
    answer = client.get(path, params=params, headers=bearer(acme.keys["all"]))
    assert answer.status_code == status and answer.json()["error"]
