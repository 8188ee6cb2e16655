"""Fault knobs, set in-process or through the admin endpoint (ASGI in memory, no sockets)."""

import httpx

from providers.sandbox.esim_go import API_KEY as ESIM_GO_API_KEY
from providers.sandbox.esim_go import create_app

KEY = {"X-API-Key": ESIM_GO_API_KEY}


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim.test")


async def test_admin_endpoint_sets_and_resets_faults():
    async with _client(create_app()) as client:
        set_to = (
            await client.post("/_sandbox/faults", json={"fail_next": 1, "paths": ["GET /v2.4/catalogue"]})
        ).json()
        assert set_to["fail_next"] == 1
        assert (await client.get("/v2.4/catalogue", headers=KEY)).status_code == 500
        assert (await client.get("/v2.4/catalogue", headers=KEY)).status_code == 200
        assert (await client.post("/_sandbox/faults", json={"nope": 1})).status_code == 400
        assert (await client.delete("/_sandbox/faults")).json()["fail_next"] == 0
        assert (await client.get("/_sandbox/orders", params={"client_reference": "x"})).json()["count"] == 0


def test_path_rules():
    faults = create_app().state.sim.faults
    faults.update({"paths": ["POST /v2.4/orders", "/v2.4/esims"]})
    assert faults.matches("POST", "/v2.4/orders") and not faults.matches("GET", "/v2.4/orders")
    assert faults.matches("PUT", "/v2.4/esims")


async def test_rate_limit_headers_and_forced_429():
    app = create_app()
    app.state.sim.faults.update({"rate_limit_next": 1, "retry_after": 3})
    async with _client(app) as client:
        limited = await client.get("/v2.4/organisation", headers=KEY)
        assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
        ok = await client.get("/v2.4/organisation", headers=KEY)
        assert ok.status_code == 200 and ok.headers["x-ratelimit-limit"] == "10"
        assert (await client.get("/v2.4/organisation", headers={"X-API-Key": "wrong"})).status_code == 403


async def test_requests_served_counts_api_requests_not_admin_ones():
    async with _client(create_app()) as client:
        await client.get("/v2.4/organisation", headers=KEY)
        await client.post("/_sandbox/faults", json={"latency": 0})
        await client.get("/v2.4/organisation", headers={"X-API-Key": "wrong"})  # refused, still a request
        assert (await client.get("/_sandbox/requests")).json()["count"] == 2
