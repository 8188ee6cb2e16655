"""Top-ups through the business API (`GET /esims/{ref}/topups`, `POST /topups`) over real HTTP, with the
provider simulators answering which plans fit: charged once per idempotency key, the data added to each
eSIM, and clear JSON refusals for bad input."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from esim_app.http.api import build_api
from providers.registry import ProviderRegistry, build_registry
from providers.sandbox.server import Sandbox
from services.core import db
from services.core.models import Package
from services.core.settings import Settings
from services.enterprise import provisioning, purchasing
from services.enterprise.faces import company as company_face
from tests.integration.bulk_orders.conftest import company_with_esims, count, total_mb
from tests.support.business_api import bearer, new_key
from tests.support.http_server import serve


@pytest.fixture
def api(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:
    """The business API, asking the test's simulators (a registry per call: the server has its own event
    loop); top-ups placed are provisioned by the test."""
    settings = Settings(esim_env="development", provider_timeout_seconds=2)
    monkeypatch.setattr(company_face, "get_registry", lambda: build_registry(settings, sandbox_urls=sandbox.urls))
    monkeypatch.setattr(provisioning, "provision_in_background", lambda ids: None)
    with serve(build_api()) as url, httpx.Client(base_url=f"{url}/api/v1/business", timeout=30) as client:
        yield client


async def test_a_top_up_through_the_api_is_charged_once_and_adds_the_data(
        sandbox: Sandbox, registry: ProviderRegistry, plan: Package, api: httpx.Client) -> None:
    # given a company's two eSIMs and a key that may order
    who, refs = await company_with_esims(plan, registry, 2, plan.price_cents * 100)
    key, before = bearer(new_key(who, "order")), total_mb(refs)
    # when it lists the top-ups of one and tops both up with the cheapest, twice with one idempotency key
    listed = api.get(f"/esims/{refs[0]}/topups", headers=key)
    assert listed.status_code == 200, listed.text
    offer = listed.json()["offers"][0]
    body = {"esim_refs": refs, "plan_ref": offer["plan_ref"], "idempotency_key": "tu-1"}
    first, again = (api.post("/topups", json=body, headers=key) for _ in range(2))
    # then one order of two top-ups is charged once, and provisioning adds the data to each eSIM
    assert first.status_code == again.status_code == 201, first.text
    placed = first.json()
    assert again.json() == placed
    assert (placed["esims"], placed["total_cents"]) == (2, offer["unit_price_cents"] * 2)
    order_id = purchasing.get_order(who, placed["order_ref"]).id
    assert count("SELECT count(*) FROM ledger_entries WHERE bulk_order_id = :b AND kind = 'charge'", b=order_id) == 1
    assert (await provisioning.provision(order_id, registry=registry)).ready == 2
    with db.session() as s:
        added = s.exec(sa.select(Package.data_mb).where(Package.slug == offer["plan_ref"])).scalar_one()  # type: ignore[call-overload]
    assert total_mb(refs) == [mb + added for mb in before]


async def test_bad_top_ups_are_refused_with_clear_json_errors(
        sandbox: Sandbox, registry: ProviderRegistry, plan: Package, api: httpx.Client) -> None:
    who, refs = await company_with_esims(plan, registry, 2, plan.price_cents * 2)  # the credit is used up
    key = bearer(new_key(who, "order"))
    fits = api.get(f"/esims/{refs[0]}/topups", headers=key).json()["offers"][0]["plan_ref"]
    cases = {  # body -> (status, error code)
        "no eSIMs": ({"esim_refs": [], "plan_ref": fits}, 422, "invalid_request"),
        "not the company's": ({"esim_refs": ["EIDNOSUCHESIM1"], "plan_ref": fits}, 404, "enterprise_esim_not_found"),
        "a plan that does not fit": ({"esim_refs": refs, "plan_ref": plan.slug}, 422, "topup_does_not_fit"),
        "over the credit": ({"esim_refs": refs, "plan_ref": fits}, 409, "enterprise_credit_exceeded"),
    }
    for case, (body, status, code) in cases.items():
        answer = api.post("/topups", json=body, headers=key)
        assert (answer.status_code, answer.json()["error"]) == (status, code), case
        assert answer.json()["message"] and "airalo" not in answer.text.lower(), case
    read_only = api.get(f"/esims/{refs[0]}/topups", headers=bearer(new_key(who, "read")))
    assert (read_only.status_code, read_only.json()["error"]) == (403, "api_scope_missing")
    assert count("SELECT count(*) FROM orders WHERE topup_of_esim_id IS NOT NULL AND enterprise_account_id = :c",
                 c=who.company_id) == 0
