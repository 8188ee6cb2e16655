"""`GET /catalog`: the plans of a destination at the company's prices (list price until volume tiers)."""

from __future__ import annotations

import httpx

from tests.support.business_api import Company, bearer


def test_the_catalogue_lists_plans_at_the_company_price(client: httpx.Client, acme: Company, plan: str) -> None:
    answer = client.get("/catalog", params={"destination": "jp"}, headers=bearer(acme.keys["read"]))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["destination"] == {"kind": "local", "code": "JP", "name": "Japan"}
    offer = next(o for o in body["offers"] if o["ref"] == plan)
    assert offer["unit_price_cents"] == offer["list_price_cents"] == 799
    assert "cost" not in str(body) and "provider" not in str(body)


def test_an_unknown_destination_is_a_404_with_a_code(client: httpx.Client, acme: Company) -> None:
    answer = client.get("/catalog", params={"destination": "atlantis"}, headers=bearer(acme.keys["read"]))
    assert answer.status_code == 404 and answer.json()["error"] == "unknown_destination"


def test_a_missing_parameter_is_a_422_naming_it(client: httpx.Client, acme: Company) -> None:
    answer = client.get("/catalog", headers=bearer(acme.keys["read"]))
    assert answer.status_code == 422
    assert answer.json()["details"][0]["location"] == "query.destination"
