"""eSIM Go API v2.4 simulator (PROVIDER_APIS.md §3): `X-API-Key`, `{message}` errors, rate-limit
headers, paginated catalogue, `validate`/`transaction` orders, assignments (JSON or CSV by
`Accept`), `customerRef` tags and bundle assignments in decimal bytes with `bundleState`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import uuid
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from providers.sandbox.catalogue import DEFAULT_SEED, Offer, countries, country_names, offers
from providers.sandbox.clock import Clock
from providers.sandbox.credentials import ESIM_GO_API_KEY
from providers.sandbox.esims import Bundle, Profile, ProfileFactory
from providers.sandbox.faults import FaultMiddleware, Simulator, admin_routes, retry_after_header
from providers.sandbox.webhooks import WebhookSender, esim_go_signer, webhook_routes

PREFIX = "/v2.4"
RATE_LIMIT = 10
REGION_NAMES = {
    "europe": "Europe",
    "middle-east": "Middle East",
    "asia": "Asia",
    "africa": "Africa",
    "americas": "Americas",
    "oceania": "Oceania",
}
REGION_CODES = {
    "europe": "REUP",
    "middle-east": "RME",
    "asia": "RAS",
    "africa": "RAF",
    "americas": "RAM",
    "oceania": "ROC",
    "world": "RGB",
}


def bundle_name(offer: Offer) -> str:
    plan = offer.plan
    size = "UL" if plan.unlimited else f"{plan.data_mb // 1024}GB"  # type: ignore[operator]
    area = plan.area if plan.scope == "local" else REGION_CODES[plan.area]
    return f"esim_{size}_{plan.days}D_{area}_V{offer.variant + 2}"


def _bundle_json(offer: Offer, region_of: dict[str, str]) -> dict[str, Any]:
    plan = offer.plan
    names = country_names()
    countries = [
        {"name": names.get(code, code), "region": REGION_NAMES.get(region_of.get(code, ""), ""), "iso": code}
        for code in plan.destinations
    ]
    data = 0 if plan.unlimited else round(plan.data_mb * 1000 / 1024)  # type: ignore[operator]
    return {
        "name": bundle_name(offer),
        "description": f"eSIM, {plan.data_label.replace(' ', '')}, {plan.days} Days, {plan.area_name}, V2",
        "groups": ["Standard eSIM Bundles" if not plan.unlimited else "Standard Unlimited Essential"],
        "countries": countries if plan.scope == "local" else countries[:1],
        "roamingEnabled": countries,
        "dataAmount": data,
        "duration": plan.days,
        "speed": ["4G", "5G"],
        "autostart": True,
        "unlimited": plan.unlimited,
        "price": float(offer.cost),
        "billingType": "FixedCost",
        "allowances": [{"type": "DATA", "amount": data, "unit": "MB", "unlimited": plan.unlimited}],
    }


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)


class EsimGoSimulator(Simulator):
    def __init__(self, *, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> None:
        super().__init__(clock=clock, seed=seed)
        region_of = {c.code: c.region for c in countries()}
        self.bare_catalogue = False  # [!] the schema says a bare array; real answers wrap it
        self.balance = Decimal("100000.00")
        self.factory = ProfileFactory(
            iccid_prefix="894400", smdp_address="https://rsp.sandbox-esimgo.test", seed="go"
        )
        self.bundles: dict[str, tuple[Offer, dict[str, Any]]] = {}
        for offer in offers("esim_go", scale=scale, seed=seed):
            item = _bundle_json(offer, region_of)
            self.bundles[item["name"]] = (offer, item)
        self.orders: dict[str, dict[str, Any]] = {}
        self.profiles: dict[str, Profile] = {}
        self._uuid_rng = random.Random(f"{seed}:esim_go:orders")
        self.webhooks = WebhookSender(sign=esim_go_signer, secret=ESIM_GO_API_KEY)  # V3 callbacks, signed

    async def emit_usage_alerts(self) -> int:
        """`Utilisation` callbacks at 1, 50, 80 and 100 % of the first bundle used; once each."""
        now, due = self.clock.now(), []
        for profile in list(self.profiles.values()):
            if profile.cancelled or not profile.used(now) or profile.unlimited:
                continue
            bundle = self.assignments(profile)[0]
            assignment = bundle["assignments"][0]
            initial, remaining = assignment["initialQuantity"], assignment["remainingQuantity"]
            used_pct = 100 * (initial - remaining) / initial if initial else 0
            for level in (1, 50, 80, 100):
                if used_pct >= level and self.webhooks.first_time(profile.iccid, str(level)):
                    due.append({"iccid": profile.iccid, "alertType": "Utilisation", "bundle": {
                        "id": assignment["id"], "reference": assignment["assignmentReference"],
                        "name": bundle["name"], "description": bundle["description"],
                        "initialQuantity": initial, "remainingQuantity": remaining,
                        "startTime": profile.first_use_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "endTime": profile.expires_at().strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "unlimited": assignment["unlimited"]}})
        return await self.webhooks.send_all(due)

    def orders_received(self, client_reference: str) -> int:
        """Orders whose eSIMs carry this `customerRef` (eSIM Go orders have no reference of their own)."""
        with self._lock:
            return sum(
                1
                for o in self.orders.values()
                if o["_new_esims"]
                and any(self.profiles[i].customer_ref == client_reference for i in o["_new_esims"])
            )

    def server_error(self) -> Response:
        return _error(500, "Internal Server Error")

    def rate_limited(self, retry_after: float) -> Response:
        return JSONResponse(
            {"message": "Rate limit exceeded"}, status_code=429, headers=retry_after_header(retry_after)
        )

    def new_reference(self) -> str:
        return str(uuid.UUID(int=self._uuid_rng.getrandbits(128), version=4))

    def assignments(self, profile: Profile) -> list[dict[str, Any]]:
        """One assignment per bundle; usage drains them in order (one bundle at a time)."""
        now = self.clock.now()
        used_left = profile.used_mb(now)
        out = []
        for index, bundle in enumerate(profile.bundles):
            plan = bundle.offer.plan
            initial = 0 if plan.unlimited else round(plan.data_mb * 1000 / 1024) * 1_000_000  # type: ignore[operator]
            take = 0 if plan.unlimited else min(plan.data_mb, used_left)  # type: ignore[type-var]
            used_left -= take
            remaining = initial - round(initial * take / plan.data_mb) if plan.data_mb else 0
            if profile.cancelled:
                state = "revoked"
            elif now >= profile.expires_at():
                state = "expired" if profile.used(now) else "lapsed"
            elif not profile.used(now) or (take == 0 and index > 0):
                state = "queued"
            elif remaining == 0 and not plan.unlimited:
                state = "depleted"
            else:
                state = "active"
            out.append(
                {
                    "name": bundle_name(bundle.offer),
                    "description": bundle.offer.plan.area_name,
                    "assignments": [
                        {
                            "id": str(300100200 + index),
                            "callTypeGroup": "data",
                            "initialQuantity": initial,
                            "remainingQuantity": remaining,
                            "assignmentDateTime": bundle.added_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "assignmentReference": f"{bundle.reference}-{index}",
                            "bundleState": state,
                            "unlimited": plan.unlimited,
                        }
                    ],
                }
            )
        return out


def _sim(request: Request) -> EsimGoSimulator:
    return request.app.state.sim


async def catalogue(request: Request) -> Response:
    sim, q = _sim(request), request.query_params
    page, per_page = max(1, int(q.get("page") or 1)), max(1, int(q.get("perPage") or 100))
    wanted = {c.strip().upper() for c in (q.get("countries") or "").split(",") if c.strip()}
    region, needle = q.get("region"), (q.get("description") or "").replace("*", "").lower()
    items = [
        item
        for _, item in sim.bundles.values()
        if (not wanted or {c["iso"] for c in item["countries"]} & wanted)
        and (not region or any(c["region"] == region for c in item["countries"]))
        and (not needle or needle in item["description"].lower())
    ]
    chunk = items[(page - 1) * per_page : page * per_page]
    if sim.bare_catalogue:
        return JSONResponse(chunk)
    return JSONResponse(
        {
            "bundles": chunk,
            "pageCount": max(1, -(-len(items) // per_page)),
            "rows": len(items),
            "pageSize": per_page,
        }
    )


async def catalogue_bundle(request: Request) -> Response:
    entry = _sim(request).bundles.get(request.path_params["name"])
    return _error(404, "Bundle not found") if entry is None else JSONResponse(entry[1])


async def organisation(request: Request) -> Response:
    sim = _sim(request)
    return JSONResponse(
        {
            "organisations": [
                {
                    "name": "Sandbox Org",
                    "currency": "USD",
                    "balance": float(sim.balance),
                    "testCredit": 0,
                    "callbackUrl": "",
                }
            ]
        }
    )


def _order_view(order: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in order.items() if not k.startswith("_")}


async def create_order(request: Request) -> Response:
    sim = _sim(request)
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "Invalid JSON body")
    kind, assign, lines = body.get("type"), bool(body.get("assign")), body.get("order")
    if kind not in ("validate", "transaction") or not isinstance(lines, list) or not lines:
        return _error(400, "type must be validate or transaction, with an order list")
    priced = []
    for line in lines:
        entry = sim.bundles.get(str(line.get("item")))
        if entry is None:
            return _error(404, f"Bundle {line.get('item')} not found")
        if line.get("item") in sim.faults.failing_package_ids:
            return _error(403, "No bundles available for this item")
        quantity, iccids = int(line.get("quantity") or 0), line.get("iccids")
        if quantity < 1:
            return _error(400, "quantity must be at least 1")
        if iccids is not None and (not assign or len(iccids) != quantity):
            return _error(400, "iccids need assign=true and quantity equal to their number")
        for iccid in iccids or []:
            profile = sim.profiles.get(iccid)
            if profile is None:
                return _error(403, f"ICCID {iccid} does not belong to this organisation")
        priced.append((entry[0], quantity, iccids))
    total = sum(offer.cost * quantity for offer, quantity, _ in priced)
    now = sim.clock.now()
    lines_out = [
        {
            "type": "bundle",
            "item": bundle_name(offer),
            "quantity": q,
            "subTotal": float(offer.cost * q),
            "pricePerUnit": float(offer.cost),
            "AllowReassign": False,
        }
        for offer, q, _ in priced
    ]
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "validate":
        return JSONResponse(
            {
                "order": lines_out,
                "total": float(total),
                "valid": True,
                "currency": "USD",
                "createdDate": stamp,
                "assigned": assign,
            }
        )
    if total > sim.balance:
        return _error(400, "Insufficient balance")
    sim.balance -= total
    reference = sim.new_reference()
    new_esims: list[str] = []
    for (offer, quantity, iccids), line in zip(priced, lines_out, strict=True):
        targets = []
        for iccid in iccids or []:
            sim.profiles[iccid].bundles.append(Bundle(offer=offer, added_at=now, reference=reference))
            targets.append(sim.profiles[iccid])
        if assign and not iccids:
            for _ in range(quantity):
                profile = sim.factory.issue(now)
                profile.bundles.append(Bundle(offer=offer, added_at=now, reference=reference))
                sim.profiles[profile.iccid] = profile
                new_esims.append(profile.iccid)
                targets.append(profile)
        line["iccids"] = [p.iccid for p in targets]
        line["esims"] = [
            {"iccid": p.iccid, "matchingId": p.matching_id, "smdpAddress": p.smdp_address} for p in targets
        ]
    order = {
        "order": lines_out,
        "total": float(total),
        "currency": "USD",
        "status": "completed",
        "statusMessage": f"Order completed: {len(new_esims)} eSIMs assigned",
        "orderReference": reference,
        "createdDate": stamp,
        "assigned": assign,
        "sourceIP": "127.0.0.1",
        "_new_esims": new_esims,
    }
    sim.orders[reference] = order
    return JSONResponse(_order_view(order))


async def get_order(request: Request) -> Response:
    order = _sim(request).orders.get(request.path_params["reference"])
    return _error(404, "Order not found") if order is None else JSONResponse(_order_view(order))


async def list_orders(request: Request) -> Response:
    sim, q = _sim(request), request.query_params
    bounds = q.getlist("createdAt")
    rows = []
    for order in sim.orders.values():
        created = order["createdDate"].replace("Z", "")
        ok = True
        for bound in bounds:
            op, _, value = bound.partition(":")
            value = value[:19]
            ok &= created >= value if op == "gte" else created <= value if op == "lte" else True
        if ok:
            view = _order_view(order)
            if q.get("includeIccids") != "true":
                view["order"] = [
                    {k: v for k, v in line.items() if k not in ("iccids", "esims")} for line in view["order"]
                ]
            rows.append(view)
    page, limit = max(1, int(q.get("page") or 1)), max(1, int(q.get("limit") or 50))
    return JSONResponse(
        {
            "orders": rows[(page - 1) * limit : page * limit],
            "pageCount": max(1, -(-len(rows) // limit)),
            "rows": len(rows),
        }
    )


def _profile_json(profile: Profile) -> dict[str, Any]:
    return {
        "iccid": profile.iccid,
        "matchingId": profile.matching_id,
        "smdpAddress": profile.smdp_address,
        "profileStatus": "Released",
        "pin": "1234",
        "puk": "12345678",
        "firstInstalledDateTime": None,
        "customerRef": profile.customer_ref,
    }


async def assignments(request: Request) -> Response:
    sim = _sim(request)
    order = sim.orders.get(request.query_params.get("reference", ""))
    if order is None:
        return _error(404, "Reference not found")
    items = [_profile_json(sim.profiles[i]) for line in order["order"] for i in line.get("iccids", [])]
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(items[0] if len(items) == 1 else items)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ICCID", "Matching ID", "RSP URL", "Bundle", "Reference"])
    for item in items:
        writer.writerow([item["iccid"], item["matchingId"], item["smdpAddress"], "", order["orderReference"]])
    return Response(out.getvalue(), media_type="text/csv")


async def esims(request: Request) -> Response:
    sim = _sim(request)
    if request.method == "PUT":
        body = await request.json()
        profile = sim.profiles.get(str(body.get("iccid")))
        if profile is None:
            return _error(404, "eSIM not found")
        profile.customer_ref = body.get("customerRef")
        return JSONResponse({"iccid": profile.iccid, "customerRef": profile.customer_ref})
    q = request.query_params
    rows = list(sim.profiles.values())
    if q.get("filterBy") == "customerRef":
        rows = [p for p in rows if p.customer_ref == q.get("filter")]
    elif q.get("filterBy") == "iccid":
        rows = [p for p in rows if p.iccid == q.get("filter")]
    return JSONResponse(
        {
            "esims": [
                {
                    "iccid": p.iccid,
                    "customerRef": p.customer_ref,
                    "lastAction": "Bundle Assigned",
                    "actionDate": p.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "physical": False,
                    "assignedDate": p.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
                for p in rows
            ]
        }
    )


async def esim(request: Request) -> Response:
    profile = _sim(request).profiles.get(request.path_params["iccid"])
    return _error(404, "eSIM not found") if profile is None else JSONResponse(_profile_json(profile))


async def esim_bundles(request: Request) -> Response:
    sim = _sim(request)
    profile = sim.profiles.get(request.path_params["iccid"])
    if profile is None:
        return _error(404, "eSIM not found")
    return JSONResponse({"bundles": sim.assignments(profile)})


class _ApiKeyAndHeaders:
    """403 for a missing or wrong `X-API-Key`; rate-limit headers on every answer."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if headers.get("x-api-key") != ESIM_GO_API_KEY:
            await _error(403, "Forbidden: invalid API key")(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                reset = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
                message.setdefault("headers", [])
                message["headers"] += [
                    (b"x-ratelimit-limit", str(RATE_LIMIT).encode()),
                    (b"x-ratelimit-remaining", str(RATE_LIMIT - 1).encode()),
                    (b"x-ratelimit-reset", reset.encode()),
                    (b"x-ratelimit-cost", b"5" if scope["path"].startswith(f"{PREFIX}/catalogue") else b"1"),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(*, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> Starlette:
    """The simulator as an ASGI app; its state is `app.state.sim` (an `EsimGoSimulator`)."""
    sim = EsimGoSimulator(scale=scale, seed=seed, clock=clock)
    api = [
        Route("/catalogue", catalogue),
        Route("/catalogue/bundle/{name}", catalogue_bundle),
        Route("/organisation", organisation),
        Route("/orders", create_order, methods=["POST"]),
        Route("/orders", list_orders),
        Route("/orders/{reference}", get_order),
        Route("/esims", esims, methods=["GET", "PUT"]),
        Route("/esims/assignments", assignments),
        Route("/esims/{iccid}", esim),
        Route("/esims/{iccid}/bundles", esim_bundles),
    ]
    app = Starlette(
        routes=[Mount(PREFIX, routes=api), *admin_routes(_sim), *webhook_routes(_sim)],
        middleware=[Middleware(FaultMiddleware, sim=lambda: sim), Middleware(_ApiKeyAndHeaders)],
    )
    app.state.sim = sim
    return app
