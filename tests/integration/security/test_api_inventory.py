"""The authorisation inventory's business API section: every route of `/api/v1/business`, named Acme's
things, called with no key, Acme's revoked key, an Acme key without the route's scope, another
company's key and a suspended company's key. Each must be refused (401, 401, 403, never a 500, 403),
answer nothing of Acme's and change none of Acme's rows (the inventory's digest, `_rows`, with Acme's
keys, eSIMs and allocations). A route without a request in `API_REQUESTS` fails the test. (Its own
module: the handler inventory's world and digest, imported from there, so both sections guard the same
rows.)"""

from __future__ import annotations

import httpx

from esim_app.http.api import build_api
from esim_app.http.business_api.endpoints import OPERATIONS
from tests.integration.security.world import World, _rows
from tests.support.business_api import API_REQUESTS, api_failures, api_world, bearer, wrong_scope_key
from tests.support.http_server import serve

def test_every_business_api_route_refuses_strangers(world: World, record_property) -> None:
    """Every route of /api/v1/business, named Acme's things, with no key, Acme's revoked key, an Acme key
    without the route's scope, another company's key and a suspended company's key: refused, nothing of
    Acme's answered or changed."""
    assert sorted(op.operation_id for op in OPERATIONS) == sorted(API_REQUESTS), "add the route to API_REQUESTS"
    api = api_world(world.acme_admin.identity, world.callers["another company"].identity)
    markers = (api.refs.esim, api.refs.order)
    before, failures, checked = _rows(world), [], 0
    with serve(build_api()) as url, httpx.Client(base_url=f"{url}/api/v1/business", timeout=30) as client:
        for op in OPERATIONS:
            request = API_REQUESTS[op.operation_id](api.refs)
            callers = {"no key": {}, "a revoked key": bearer(api.acme.keys["revoked"]),
                       "a key without the scope": bearer(wrong_scope_key(api.acme, op.scope)),
                       "another company": bearer(api.globex.keys["all"]),
                       "a suspended company": bearer(api.suspended.keys["all"])}
            for case, headers in callers.items():
                answer = client.request(request.method, request.path, params=request.params, json=request.body,
                                        headers=headers)
                checked += 1
                failures += api_failures(op.operation_id, case, answer, markers)
                if _rows(world) != before:
                    failures.append(f"{op.operation_id} with {case} changed Acme's rows")
                    before = _rows(world)
    print(f"\nbusiness API inventory: {len(OPERATIONS)} routes, {checked} calls checked")
    record_property("security_api_calls_checked", checked)
    assert not failures, "\n".join(failures)

