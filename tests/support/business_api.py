"""Companies with business API keys of every scope, for the API tests and the authorisation inventory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import EnterpriseAccount, Package
from services.enterprise import api_keys, bulk, purchasing
from tests.support.enterprise import company_esims, member


@dataclass(frozen=True)
class Company:
    id: int
    admin: Identity
    keys: dict[str, str]  # "all", "read", "order", "distribute", "revoked" -> the key
    esims: list[str]  # refs of eSIMs in stock


def new_key(admin: Identity, *scopes: str, name: str = "test key") -> str:
    return api_keys.create_key(admin, name, list(scopes), ip=None).secret


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def make_company(name: str, *, esims: int = 5, credit_cents: int = 1_000_000,
                 admin: Identity | None = None) -> Company:
    """A company (or `admin`'s) with credit, `esims` eSIMs in stock and a key per scope, one revoked."""
    admin = admin or member("admin", company=name)
    with db.session() as s:
        s.get(EnterpriseAccount, admin.company_id).credit_limit_cents = credit_cents  # type: ignore[union-attr]
        s.commit()
    keys = {"all": new_key(admin, "read", "order", "distribute"), "read": new_key(admin, "read"),
            "order": new_key(admin, "order"), "distribute": new_key(admin, "distribute")}
    revoked = api_keys.create_key(admin, "old key", ["read", "order", "distribute"], ip=None)
    api_keys.revoke_key(admin, revoked.key.id, ip=None)
    return Company(admin.company_id, admin, keys | {"revoked": revoked.secret},  # type: ignore[arg-type]
                   company_esims(admin.company_id, esims) if esims else [])  # type: ignore[arg-type]


# -- the authorisation inventory's business API section --

# Digests of a company's rows the API could touch (`:a` = its id). Keys without their use stamps: a
# refused scope still counts against the key's own rate limit.
ACME_API_ROWS = (
    ("SELECT md5(string_agg(concat_ws('|', k.id, k.key_id, k.secret_hash, k.name, k.scopes, k.revoked_at),"
     " '|' ORDER BY k.id)) FROM enterprise_api_keys k WHERE enterprise_account_id = :a"),
    "SELECT md5(string_agg(e::text, '|' ORDER BY e.id)) FROM esims e WHERE enterprise_account_id = :a",
)  # (allocations and bulk orders are in the inventory's own digest)


@dataclass(frozen=True)
class ApiRefs:
    """Acme's things, as a hostile client names them."""

    esim: str
    order: str
    plan: str


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str  # below /api/v1/business
    params: dict[str, str]
    body: dict | None = None


# One request per operation of the business API, naming Acme's things; a new operation without one
# fails the inventory (add it here).
API_REQUESTS = {
    "getCatalog": lambda r: ApiRequest("GET", "/catalog", {"destination": "JP"}),
    "listEsims": lambda r: ApiRequest("GET", "/esims", {"search": r.esim}),
    "getEsim": lambda r: ApiRequest("GET", f"/esims/{r.esim}", {}),
    "createAllocations": lambda r: ApiRequest("POST", "/allocations", {}, {
        "recipients": [{"name": "Mallory", "email": "mallory@example.com"}], "esim_refs": [r.esim]}),
    "listOrders": lambda r: ApiRequest("GET", "/orders", {}),
    "getOrder": lambda r: ApiRequest("GET", f"/orders/{r.order}", {}),
    "createOrder": lambda r: ApiRequest("POST", "/orders", {}, {"lines": [{"plan_ref": r.plan, "quantity": 1}]}),
    "exportCsv": lambda r: ApiRequest("GET", "/exports/esims.csv", {}),
    "listTopups": lambda r: ApiRequest("GET", f"/esims/{r.esim}/topups", {}),
    "createTopup": lambda r: ApiRequest("POST", "/topups", {}, {"esim_refs": [r.esim], "plan_ref": r.plan}),
}


@dataclass(frozen=True)
class ApiWorld:
    refs: ApiRefs
    acme: Company
    globex: Company
    suspended: Company  # a third company, suspended by the store


def api_world(acme_admin: Identity, stranger: Identity) -> ApiWorld:
    """Acme (one eSIM, one bulk order, keys of every scope) and the stranger's company, whose key is used."""
    acme = make_company("Acme", esims=1, admin=acme_admin)
    globex = make_company("Globex", esims=1, credit_cents=0, admin=stranger)
    with db.session() as s:
        plan = Package(slug=f"inv-api-{uuid.uuid4().hex[:8]}", provider_id="airalo", provider_package_id="p-api",
                       kind="local", destination_code="JP", destination_name="Japan", name="Japan 1 GB",
                       data_mb=1024, validity_days=7, cost_micros=2_000_000, price_cents=499, group_key="g-api")
        s.add(plan)
        s.commit()
        plan_id, slug = plan.id, plan.slug
    order = purchasing.place(acme.admin, [bulk.BulkLine(plan_id, 1)], payment="card", key="inventory")  # type: ignore[arg-type]
    suspended = make_company("Suspended Co", esims=0, credit_cents=10**6)
    with db.session() as s:
        s.get(EnterpriseAccount, suspended.id).status = "suspended"  # type: ignore[union-attr]
        s.commit()
    return ApiWorld(ApiRefs(acme.esims[0], order.ref, slug), acme, globex, suspended)


API_REFUSED = {"no key": 401, "a revoked key": 401, "a key without the scope": 403, "a suspended company": 403}
NAMES_ACMES = {"getEsim", "getOrder", "createAllocations", "listTopups", "createTopup"}  # never a success for another company


def api_failures(operation: str, case: str, answer: httpx.Response, markers: tuple[str, ...]) -> list[str]:
    wanted, found = API_REFUSED.get(case), []
    if (wanted and answer.status_code != wanted) or answer.status_code >= 500:
        found.append(f"{operation} with {case}: {answer.status_code}")
    if case == "another company" and operation in NAMES_ACMES and answer.is_success:
        found.append(f"{operation} with {case} reached Acme's eSIM or order")
    if leaked := [m for m in markers if m in answer.text]:
        found.append(f"{operation} with {case} answered Acme's data: {leaked}")
    return found


def wrong_scope_key(company: Company, scope: str) -> str:
    """A key of `company` with one scope other than `scope`."""
    return company.keys[next(s for s in ("read", "order", "distribute") if s != scope)]
