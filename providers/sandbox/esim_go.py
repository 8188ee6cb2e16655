"""eSIM Go API v2.4 simulator (PROVIDER_APIS.md §3): `X-API-Key`, `{message}` errors, rate-limit
headers, paginated catalogue, `validate`/`transaction` orders, assignments (JSON or CSV by
`Accept`), `customerRef` tags and bundle assignments in decimal bytes with `bundleState`.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import hmac
import io
import random
import uuid
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from providers.esim_go import SPEC
from providers.sandbox.base import ProviderSimulator, SimulatorError, page_of, request_fields
from providers.sandbox.catalogue import DEFAULT_SEED, Offer, countries, country_names, offers
from providers.sandbox.clock import Clock
from providers.sandbox.esims import Bundle, Profile, ProfileFactory
from providers.sandbox.webhooks import WebhookSender

API_KEY = SPEC.sandbox_credentials()["api_key"]

PREFIX = "/v2.4"
RATE_LIMIT = 10
REGION_NAMES = {
    "europe": "Europe", "middle-east": "Middle East", "asia": "Asia", "africa": "Africa",
    "americas": "Americas", "oceania": "Oceania",
}
REGION_CODES = {
    "europe": "REUP", "middle-east": "RME", "asia": "RAS", "africa": "RAF", "americas": "RAM",
    "oceania": "ROC", "world": "RGB",
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
        "countries": countries if plan.scope == "local" else countries[:1], "roamingEnabled": countries,
        "dataAmount": data, "duration": plan.days, "speed": ["4G", "5G"], "autostart": True,
        "unlimited": plan.unlimited, "price": float(offer.cost), "billingType": "FixedCost",
        "allowances": [{"type": "DATA", "amount": data, "unit": "MB", "unlimited": plan.unlimited}],
    }


def _error(status: int, message: str) -> SimulatorError:
    return SimulatorError(status, message)


def _signer(sender: WebhookSender, body: bytes) -> dict[str, str]:
    """V3 callbacks: HMAC-SHA256 of the body keyed with the API key, hex or base64 (`sender.encoding`)."""
    digest = hmac.new(sender.secret.encode(), body, hashlib.sha256).digest()
    return {"X-Signature-SHA256": base64.b64encode(digest).decode() if sender.encoding == "base64" else digest.hex()}


class EsimGoSimulator(ProviderSimulator):
    api_prefix = PREFIX
    server_error_answer = SimulatorError(500, "Internal Server Error")
    rate_limited_answer = SimulatorError(429, "Rate limit exceeded")

    def __init__(self, *, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> None:
        super().__init__(webhooks=WebhookSender(sign=_signer, secret=API_KEY), clock=clock, seed=seed)
        region_of = {c.code: c.region for c in countries()}
        self.bare_catalogue = False  # [!] the schema says a bare array; real answers wrap it
        self.balance = Decimal("100000.00")
        self.factory = ProfileFactory(
            iccid_prefix="894400", smdp_address="https://rsp.sandbox-esimgo.test", seed="go"
        )
        self.bundles: dict[str, tuple[Offer, dict[str, Any]]] = {}
        for offer in offers(SPEC.id, scale=scale, seed=seed, topup_packages=False):
            item = _bundle_json(offer, region_of)
            self.bundles[item["name"]] = (offer, item)
        self.orders: dict[str, dict[str, Any]] = {}
        self.profiles: dict[str, Profile] = {}
        self._uuid_rng = random.Random(f"{seed}:{SPEC.id}:orders")

    def routes(self) -> list[Route]:
        return [
            self.route("/catalogue", catalogue),
            self.route("/catalogue/bundle/{name}", catalogue_bundle),
            self.route("/organisation", organisation),
            self.route("/orders", create_order, methods=["POST"]), self.route("/orders", list_orders),
            self.route("/orders/{reference}", get_order),
            self.route("/esims", esims, methods=["GET", "PUT"]),
            self.route("/esims/assignments", assignments),
            self.route("/esims/{iccid}", esim),
            self.route("/esims/{iccid}/bundles", esim_bundles),
        ]

    def error(self, exc: SimulatorError) -> Response:
        return JSONResponse({"message": exc.message}, status_code=exc.status)

    async def authorise(self, request: Request) -> None:
        if request.headers.get("x-api-key") != API_KEY:
            raise SimulatorError(403, "Forbidden: invalid API key")

    def extra_headers(self, request: Request) -> dict[str, str]:
        """Rate-limit counters on every answer; the catalogue costs 5 tokens."""
        reset = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        cost = "5" if request.url.path.startswith(f"{PREFIX}/catalogue") else "1"
        return {"x-ratelimit-limit": str(RATE_LIMIT), "x-ratelimit-remaining": str(RATE_LIMIT - 1),
                "x-ratelimit-reset": reset, "x-ratelimit-cost": cost}

    def usage_alerts(self) -> list[dict[str, Any]]:
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
        return due

    def orders_received(self, client_reference: str) -> int:
        """Orders whose eSIMs carry this `customerRef` (eSIM Go orders have no reference of their own)."""
        with self._lock:
            return sum(
                1
                for o in self.orders.values()
                if o["_new_esims"]
                and any(self.profiles[i].customer_ref == client_reference for i in o["_new_esims"])
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
                    "name": bundle_name(bundle.offer), "description": bundle.offer.plan.area_name,
                    "assignments": [
                        {
                            "id": str(300100200 + index), "callTypeGroup": "data", "initialQuantity": initial,
                            "remainingQuantity": remaining,
                            "assignmentDateTime": bundle.added_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "assignmentReference": f"{bundle.reference}-{index}", "bundleState": state,
                            "unlimited": plan.unlimited,
                        }
                    ],
                }
            )
        return out


async def catalogue(sim: EsimGoSimulator, request: Request) -> Response:
    q = request.query_params
    page, per_page = max(1, int(q.get("page") or 1)), max(1, int(q.get("perPage") or 100))
    wanted = {c.strip().upper() for c in (q.get("countries") or "").split(",") if c.strip()}
    region, needle = q.get("region"), (q.get("description") or "").replace("*", "").lower()
    items = [item for _, item in sim.bundles.values()
             if (not wanted or {c["iso"] for c in item["countries"]} & wanted)
             and (not region or any(c["region"] == region for c in item["countries"]))
             and (not needle or needle in item["description"].lower())]
    chunk, pages = page_of(items, page, per_page)
    if sim.bare_catalogue:
        return JSONResponse(chunk)
    return JSONResponse({"bundles": chunk, "pageCount": pages, "rows": len(items), "pageSize": per_page})


async def catalogue_bundle(sim: EsimGoSimulator, request: Request) -> Response:
    entry = sim.bundles.get(request.path_params["name"])
    if entry is None:
        raise _error(404, "Bundle not found")
    return JSONResponse(entry[1])


async def organisation(sim: EsimGoSimulator, request: Request) -> Response:
    return JSONResponse(
        {
            "organisations": [
                {
                    "name": "Sandbox Org", "currency": "USD", "balance": float(sim.balance), "testCredit": 0,
                    "callbackUrl": "",
                }
            ]
        }
    )


def _order_view(order: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in order.items() if not k.startswith("_")}


async def create_order(sim: EsimGoSimulator, request: Request) -> Response:
    """`validate` prices the order for free; `transaction` charges, assigns the bundles and records it."""
    body = await request_fields(request)
    kind, assign, lines = body.get("type"), bool(body.get("assign")), body.get("order")
    if kind not in ("validate", "transaction") or not isinstance(lines, list) or not lines:
        raise _error(400, "type must be validate or transaction, with an order list")
    priced = [_priced_line(sim, line, assign=assign) for line in lines]
    total = sum(offer.cost * quantity for offer, quantity, _ in priced)
    now = sim.clock.now()
    lines_out = [{"type": "bundle", "item": bundle_name(offer), "quantity": q, "subTotal": float(offer.cost * q),
                  "pricePerUnit": float(offer.cost), "AllowReassign": False} for offer, q, _ in priced]
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "validate":
        return JSONResponse({"order": lines_out, "total": float(total), "valid": True, "currency": "USD",
                             "createdDate": stamp, "assigned": assign})
    if total > sim.balance:
        raise _error(400, "Insufficient balance")
    sim.balance -= total
    reference, new_esims = sim.new_reference(), []
    for (offer, quantity, iccids), line in zip(priced, lines_out, strict=True):
        targets = [sim.profiles[iccid] for iccid in iccids or []]
        if assign and not iccids:
            targets = [sim.factory.issue(now) for _ in range(quantity)]
            sim.profiles.update((p.iccid, p) for p in targets)
            new_esims += [p.iccid for p in targets]
        for profile in targets:
            profile.bundles.append(Bundle(offer=offer, added_at=now, reference=reference))
        line["iccids"] = [p.iccid for p in targets]
        line["esims"] = [{"iccid": p.iccid, "matchingId": p.matching_id, "smdpAddress": p.smdp_address}
                         for p in targets]
    sim.orders[reference] = order = {
        "order": lines_out, "total": float(total), "currency": "USD", "status": "completed",
        "statusMessage": f"Order completed: {len(new_esims)} eSIMs assigned", "orderReference": reference,
        "createdDate": stamp, "assigned": assign, "sourceIP": "127.0.0.1", "_new_esims": new_esims,
    }
    return JSONResponse(_order_view(order))


def _priced_line(sim: EsimGoSimulator, line: dict[str, Any], *,
                 assign: bool) -> tuple[Offer, int, list[str] | None]:
    """(offer, quantity, ICCIDs to top up) of one order line, or the error eSIM Go would answer."""
    entry = sim.bundles.get(str(line.get("item")))
    if entry is None:
        raise _error(404, f"Bundle {line.get('item')} not found")
    if line.get("item") in sim.faults.failing_package_ids:
        raise _error(403, "No bundles available for this item")
    quantity, iccids = int(line.get("quantity") or 0), line.get("iccids")
    if quantity < 1:
        raise _error(400, "quantity must be at least 1")
    if iccids is not None and (not assign or len(iccids) != quantity):
        raise _error(400, "iccids need assign=true and quantity equal to their number")
    for iccid in iccids or []:
        if iccid not in sim.profiles:
            raise _error(403, f"ICCID {iccid} does not belong to this organisation")
    return entry[0], quantity, iccids


async def get_order(sim: EsimGoSimulator, request: Request) -> Response:
    order = sim.orders.get(request.path_params["reference"])
    if order is None:
        raise _error(404, "Order not found")
    return JSONResponse(_order_view(order))


async def list_orders(sim: EsimGoSimulator, request: Request) -> Response:
    q = request.query_params
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
                view["order"] = [{k: v for k, v in line.items() if k not in ("iccids", "esims")}
                                 for line in view["order"]]
            rows.append(view)
    page, limit = max(1, int(q.get("page") or 1)), max(1, int(q.get("limit") or 50))
    chunk, pages = page_of(rows, page, limit)
    return JSONResponse({"orders": chunk, "pageCount": pages, "rows": len(rows)})


def _profile_json(profile: Profile) -> dict[str, Any]:
    return {
        "iccid": profile.iccid, "matchingId": profile.matching_id, "smdpAddress": profile.smdp_address,
        "profileStatus": "Released", "pin": "1234", "puk": "12345678", "firstInstalledDateTime": None,
        "customerRef": profile.customer_ref,
    }


async def assignments(sim: EsimGoSimulator, request: Request) -> Response:
    order = sim.orders.get(request.query_params.get("reference", ""))
    if order is None:
        raise _error(404, "Reference not found")
    items = [_profile_json(sim.profiles[i]) for line in order["order"] for i in line.get("iccids", [])]
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(items[0] if len(items) == 1 else items)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ICCID", "Matching ID", "RSP URL", "Bundle", "Reference"])
    for item in items:
        writer.writerow([item["iccid"], item["matchingId"], item["smdpAddress"], "", order["orderReference"]])
    return Response(out.getvalue(), media_type="text/csv")


async def esims(sim: EsimGoSimulator, request: Request) -> Response:
    if request.method == "PUT":
        body = await request_fields(request)
        profile = sim.profiles.get(str(body.get("iccid")))
        if profile is None:
            raise _error(404, "eSIM not found")
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
                    "iccid": p.iccid, "customerRef": p.customer_ref, "lastAction": "Bundle Assigned",
                    "actionDate": p.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "physical": False,
                    "assignedDate": p.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
                for p in rows
            ]
        }
    )


async def esim(sim: EsimGoSimulator, request: Request) -> Response:
    profile = sim.profiles.get(request.path_params["iccid"])
    if profile is None:
        raise _error(404, "eSIM not found")
    return JSONResponse(_profile_json(profile))


async def esim_bundles(sim: EsimGoSimulator, request: Request) -> Response:
    profile = sim.profiles.get(request.path_params["iccid"])
    if profile is None:
        raise _error(404, "eSIM not found")
    return JSONResponse({"bundles": sim.assignments(profile)})


def create_app(*, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> Starlette:
    """The simulator as an ASGI app; its state is `app.state.sim` (an `EsimGoSimulator`)."""
    return EsimGoSimulator(scale=scale, seed=seed, clock=clock).app()
