"""Airalo Partner API v2 simulator (PROVIDER_APIS.md §1): tokens, paginated catalogue, sync orders,
sims, usage and top-ups, with Airalo's envelopes and error shapes.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from providers.airalo import airalo_signature, signed_payload
from providers.sandbox.catalogue import DEFAULT_SEED, Offer, country_names, offers
from providers.sandbox.clock import Clock
from providers.sandbox.credentials import AIRALO_CLIENT_ID, AIRALO_CLIENT_SECRET
from providers.sandbox.esims import Bundle, Profile, ProfileFactory
from providers.sandbox.faults import FaultMiddleware, Simulator, admin_routes
from providers.sandbox.webhooks import WebhookSender, airalo_signer, webhook_routes

TRIGGER_CODES = {
    "test-insufficient-balance-7days-1gb": (11, "Insufficient Airalo credit."),
    "test-maintenance-mode-7days-1gb": (13, "The operator is under maintenance."),
    "test-disabled-top-up-7days-1gb": (23, "Top-up is disabled by the operator."),
    "test-not-enough-7days-1gb": (33, "Not enough eSIMs in stock for this quantity."),
    "test-out-of-stock-7days-1gb": (34, "The package is invalid or out of stock."),
}
_TIME = "%Y-%m-%d %H:%M:%S"
_UNAUTHORIZED = {"data": [], "meta": {"message": "This action is unauthorized."}}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def package_id(offer: Offer) -> str:
    plan = offer.plan
    size = "unlimited" if plan.unlimited else f"{plan.data_mb // 1024}gb"  # type: ignore[operator]
    base = f"{_slug(offer.operator)}-{plan.area.lower()}-{plan.days}days-{size}"
    base += f"-v{offer.variant + 1}" if offer.variant else ""
    return base + ("-topup" if offer.topup else "")


def _ok(data: Any, **meta: Any) -> JSONResponse:
    return JSONResponse({"data": data, "meta": {"message": "success", **meta}})


def _business_error(code: int, reason: str, status: int = 422) -> JSONResponse:
    return JSONResponse({"code": code, "reason": reason}, status_code=status)


def _validation_error(field: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"data": {field: message}, "meta": {"message": "the parameter is invalid"}}, status_code=422
    )


class AiraloSimulator(Simulator):
    def __init__(self, *, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> None:
        super().__init__(clock=clock, seed=seed)
        self.token_ttl = 86400
        self.balance = Decimal("100000.00")
        self.require_signature = False  # the docs do not say the server requires it [U]
        self.object_pages = False  # [!] pages >= 2 give `data` as an object keyed by position
        self.tokens: dict[str, dt.datetime] = {}
        self.tokens_issued = 0
        self.orders: dict[int, dict[str, Any]] = {}
        self.profiles: dict[str, Profile] = {}
        self.factory = ProfileFactory(
            iccid_prefix="894400", smdp_address="smdp.sandbox-airalo.test", seed="airalo"
        )
        self.locations, self.catalogue = _render_catalogue(offers("airalo", scale=scale, seed=seed))
        self.webhooks = WebhookSender(sign=airalo_signer, secret=AIRALO_CLIENT_SECRET, escape_slashes=True)

    def low_data_payload(self, profile: Profile, level: str) -> dict[str, Any]:
        """The low-data notice (§1.9) for `level` ("75%", "90%", "3days", "1days")."""
        total, now = profile.total_mb(), self.clock.now()
        remaining = 100 if not total else max(0, round(100 * (total - profile.used_mb(now)) / total))
        return {"level": level, "package_name": package_id(profile.bundles[0].offer),
                "remaining_percentage": remaining, "iccid": profile.iccid}

    async def emit_usage_alerts(self) -> int:
        """Send each newly crossed low-data level (75 %, 90 % used; 3 and 1 days left) once."""
        now, due = self.clock.now(), []
        for profile in list(self.profiles.values()):
            if profile.cancelled or not profile.used(now):
                continue
            total, used = profile.total_mb(), profile.used_mb(now)
            left = profile.expires_at() - now
            levels = [lvl for lvl, pct in (("75%", 75), ("90%", 90)) if total and used * 100 >= total * pct]
            levels += [f"{d}days" for d in (3, 1) if dt.timedelta(0) < left <= dt.timedelta(days=d)]
            due += [self.low_data_payload(profile, lvl) for lvl in levels if self.webhooks.first_time(profile.iccid, lvl)]
        return await self.webhooks.send_all(due)

    def expire_tokens(self) -> None:
        """Invalidate every issued token; the next call with one gets 401."""
        self.tokens.clear()

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(24)
        self.tokens_issued += 1
        self.tokens[token] = self.clock.now() + dt.timedelta(seconds=self.token_ttl)
        return token

    def token_valid(self, token: str) -> bool:
        expires = self.tokens.get(token)
        return expires is not None and expires > self.clock.now()


def _render_catalogue(items: tuple[Offer, ...]) -> tuple[list[dict[str, Any]], dict[str, tuple[Offer, dict]]]:
    """Locations -> operators -> packages, and an index by package id."""
    locations: dict[str, dict[str, Any]] = {}
    index: dict[str, tuple[Offer, dict]] = {}
    for offer in items:
        plan = offer.plan
        slug = "world" if plan.scope == "global" else _slug(plan.area_name)
        location = locations.setdefault(
            slug,
            {
                "slug": slug,
                "country_code": plan.area if plan.scope == "local" else "",
                "title": plan.area_name,
                "image": {"url": f"https://cdn.sandbox.test/{slug}.png", "width": 132, "height": 99},
                "operators": {},
            },
        )
        operator = location["operators"].setdefault(offer.operator, _operator(offer, len(locations)))
        pkg = {
            "id": package_id(offer),
            "type": "topup" if offer.topup else "sim",
            "title": f"{plan.data_label} - {plan.days} Days",
            "data": plan.data_label,
            "amount": 0 if plan.unlimited else plan.data_mb,
            "day": plan.days,
            "is_unlimited": plan.unlimited,
            "price": float(offer.retail),
            "net_price": float(offer.cost),
            "voice": None,
            "text": None,
            "short_info": None,
            "prices": {
                "net_price": {"USD": float(offer.cost)},
                "recommended_retail_price": {"USD": float(offer.retail)},
            },
        }
        operator["packages"].append(pkg)
        index[pkg["id"]] = (offer, pkg)
    out = []
    for location in locations.values():
        location["operators"] = list(location["operators"].values())
        out.append(location)
    return out, index


def _operator(offer: Offer, position: int) -> dict[str, Any]:
    plan = offer.plan
    return {
        "id": 900 + position * 10 + plan.operators.index(offer.operator),
        "title": offer.operator,
        "type": "local" if plan.scope == "local" else "global",
        "esim_type": "Prepaid",
        "is_prepaid": True,
        "is_roaming": plan.scope != "local",
        "plan_type": "data",
        "activation_policy": "first-usage",
        "rechargeability": True,
        "is_kyc_verify": False,
        "apn_type": "automatic",
        "apn_value": None,
        "countries": [
            {"country_code": code, "title": country_names().get(code, code)} for code in plan.destinations
        ],
        "install_window_days": 180,
        "topup_grace_window_days": 30,
        "packages": [],
    }


def _sim(request: Request) -> AiraloSimulator:
    return request.app.state.sim


async def _fields(request: Request) -> dict[str, Any]:
    """JSON, urlencoded or multipart bodies, as the docs and the SDK disagree."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return body if isinstance(body, dict) else {}
    form = await request.form()
    return {key: form.get(key) for key in form}


async def token(request: Request) -> Response:
    fields = await _fields(request)
    if fields.get("client_id") != AIRALO_CLIENT_ID:
        return JSONResponse(
            {
                "data": {"client_id": "The selected client id is invalid."},
                "meta": {"message": "the parameter is invalid"},
            },
            status_code=422,
        )
    if (
        fields.get("client_secret") != AIRALO_CLIENT_SECRET
        or fields.get("grant_type") != "client_credentials"
    ):
        return JSONResponse(
            {"data": [], "meta": {"message": "Client authentication failed"}}, status_code=401
        )
    sim = _sim(request)
    return _ok({"token_type": "Bearer", "expires_in": sim.token_ttl, "access_token": sim.issue_token()})


def _authorised(request: Request) -> bool:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and _sim(request).token_valid(value)


async def packages(request: Request) -> Response:
    sim, q = _sim(request), request.query_params
    kind, country = q.get("filter[type]"), (q.get("filter[country]") or "").upper()
    with_topups = "topup" in (q.get("include") or "")
    limit, page = max(1, int(q.get("limit") or 50)), max(1, int(q.get("page") or 1))
    selected = []
    for location in sim.locations:
        is_local = location["country_code"] != ""
        if (kind == "local" and not is_local) or (kind == "global" and is_local):
            continue
        if country and location["country_code"] != country:
            continue
        operators = []
        for operator in location["operators"]:
            pkgs = [p for p in operator["packages"] if with_topups or p["type"] == "sim"]
            if pkgs:
                operators.append({**operator, "packages": pkgs})
        if operators:
            selected.append({**location, "operators": operators})
    total = len(selected)
    last_page = max(1, -(-total // limit))
    chunk: Any = selected[(page - 1) * limit : page * limit]
    if sim.object_pages and page >= 2:
        chunk = {str((page - 1) * limit + i): item for i, item in enumerate(chunk)}
    base = f"{request.url.path}?limit={limit}&page="
    return JSONResponse(
        {
            "data": chunk,
            "links": {
                "first": f"{base}1",
                "last": f"{base}{last_page}",
                "prev": f"{base}{page - 1}" if page > 1 else None,
                "next": f"{base}{page + 1}" if page < last_page else None,
            },
            "meta": {
                "message": "success",
                "current_page": page,
                "last_page": last_page,
                "per_page": str(limit),
                "total": total,
                "from": (page - 1) * limit + 1 if chunk else None,
                "to": (page - 1) * limit + len(chunk),
                "path": request.url.path,
            },
        }
    )


def _signature_error(request: Request, body: bytes, fields: dict[str, Any]) -> Response | None:
    sim = _sim(request)
    given = request.headers.get("airalo-signature")
    if given is None:
        return _business_error(14, "Invalid checksum.") if sim.require_signature else None
    expected = {
        airalo_signature(AIRALO_CLIENT_SECRET, body),
        airalo_signature(AIRALO_CLIENT_SECRET, signed_payload(fields)),
    }
    if not any(hmac.compare_digest(given.lower(), e) for e in expected):
        return _business_error(14, "Invalid checksum.")
    return None


def _order_json(order: dict[str, Any], sim: AiraloSimulator, *, from_get: bool) -> dict[str, Any]:
    data = {k: v for k, v in order.items() if not k.startswith("_")}
    if from_get:  # GET drifts to strings (§1.3)
        data["price"] = f"{order['price']:.2f}"
        data["net_price"] = f"{order['net_price']:.2f}"
        data["validity"] = str(order["validity"])
        data["status"] = {"name": "Completed", "slug": "completed"}
    data["sims"] = [_sim_json(sim.profiles[iccid]) for iccid in order["_iccids"]]
    return data


def _sim_json(profile: Profile) -> dict[str, Any]:
    qrcode = f"LPA:1${profile.smdp_address}${profile.matching_id}"
    return {
        "id": int(profile.iccid[-8:-1]),
        "created_at": profile.issued_at.strftime(_TIME),
        "iccid": profile.iccid,
        "lpa": profile.smdp_address,
        "matching_id": profile.matching_id,
        "imsis": None,
        "qrcode": qrcode,
        "qrcode_url": f"https://sandbox-airalo.test/qr?iccid={profile.iccid}&signature=sandbox",
        "direct_apple_installation_url": f"https://esimsetup.apple.com/esim_qrcode_provisioning?carddata={qrcode}",
        "airalo_code": None,
        "confirmation_code": None,
        "apn_type": "automatic",
        "apn_value": None,
        "is_roaming": True,
        "msisdn": None,
        "recycled": profile.cancelled,
        "recycled_at": None,
    }


async def create_order(request: Request) -> Response:
    return await _place(request, topup=False)


async def create_topup(request: Request) -> Response:
    return await _place(request, topup=True)


async def _place(request: Request, *, topup: bool) -> Response:
    sim = _sim(request)
    body = await request.body()
    fields = await _fields(request)
    if (error := _signature_error(request, body, fields)) is not None:
        return error
    pkg_id = str(fields.get("package_id") or "")
    if not pkg_id:
        return _validation_error("package_id", "The package id field is required.")
    quantity = 1
    if not topup:
        try:
            quantity = int(fields.get("quantity") or 0)
        except (TypeError, ValueError):
            return _validation_error("quantity", "The quantity must be an integer.")
        if not 1 <= quantity <= 50:
            return _validation_error("quantity", "The quantity must be between 1 and 50.")
    if pkg_id in TRIGGER_CODES:
        return _business_error(*TRIGGER_CODES[pkg_id])
    entry = sim.catalogue.get(pkg_id)
    if entry is None or pkg_id in sim.faults.failing_package_ids or (entry[0].topup != topup):
        return _business_error(34, "The package is invalid or out of stock.")
    offer, pkg = entry
    profile = None
    if topup:
        profile = sim.profiles.get(str(fields.get("iccid") or ""))
        if profile is None:
            return _validation_error("iccid", "The selected iccid is invalid.")
        if profile.cancelled:
            return _business_error(73, "The eSIM is recycled.")
    cost = offer.cost * quantity
    if cost > sim.balance:
        return _business_error(11, "Insufficient Airalo credit.")
    sim.balance -= cost
    now = sim.clock.now()
    order_id = 71000 + len(sim.orders) + 1
    if topup:
        profile.bundles.append(_bundle(offer, now, fields))  # type: ignore[union-attr]
        iccids: list[str] = []
    else:
        iccids = []
        for _ in range(quantity):
            fresh = sim.factory.issue(now)
            fresh.bundles.append(_bundle(offer, now, fields))
            sim.profiles[fresh.iccid] = fresh
            iccids.append(fresh.iccid)
    description = fields.get("description")
    order = {
        "id": order_id,
        "code": f"{now:%Y%m%d}-{order_id:06d}",
        "package_id": pkg_id,
        "quantity": quantity,
        "type": "topup" if topup else "sim",
        "description": description,
        "esim_type": "Prepaid",
        "validity": offer.plan.days,
        "package": f"{offer.operator}-{pkg['title']}",
        "data": pkg["data"],
        "price": float(offer.retail) * quantity,
        "net_price": float(cost),
        "currency": "USD",
        "created_at": now.strftime(_TIME),
        "brand_settings_name": None,
        "text": None,
        "voice": None,
        "manual_installation": "<p>Settings > Mobile Data > Add eSIM</p>",
        "qrcode_installation": "<p>Scan the QR code</p>",
        "installation_guides": {"en": "https://sandbox-airalo.test/guide"},
        "_iccids": iccids,
    }
    sim.orders[order_id] = order
    if description:
        sim.record_order(str(description))
    return _ok(_order_json(order, sim, from_get=False))


def _bundle(offer: Offer, now: dt.datetime, fields: dict[str, Any]) -> Bundle:
    return Bundle(offer=offer, added_at=now, reference=str(fields.get("description") or ""))


def _not_found() -> JSONResponse:
    return JSONResponse({"data": [], "meta": {"message": "messages.resource_not_found"}}, status_code=404)


async def list_orders(request: Request) -> Response:
    sim, q = _sim(request), request.query_params
    needle = q.get("filter[description]")
    found = [
        _order_json(o, sim, from_get=True)
        for o in sim.orders.values()
        if needle is None or (o["description"] and needle in str(o["description"]))
    ]
    limit, page = max(1, int(q.get("limit") or 50)), max(1, int(q.get("page") or 1))
    last_page = max(1, -(-len(found) // limit))
    return _ok(
        found[(page - 1) * limit : page * limit],
        current_page=page,
        last_page=last_page,
        per_page=str(limit),
        total=len(found),
    )


async def get_order(request: Request) -> Response:
    sim = _sim(request)
    order = sim.orders.get(int(request.path_params["order_id"]))
    return _not_found() if order is None else _ok(_order_json(order, sim, from_get=True))


async def get_sim(request: Request) -> Response:
    profile = _sim(request).profiles.get(request.path_params["iccid"])
    return _not_found() if profile is None else _ok(_sim_json(profile))


async def usage(request: Request) -> Response:
    sim = _sim(request)
    profile = sim.profiles.get(request.path_params["iccid"])
    if profile is None:
        return _not_found()
    now = sim.clock.now()
    if profile.cancelled:
        return _ok(
            {"remaining": 0, "total": 0, "expired_at": None, "is_unlimited": False, "status": "RECYCLED"}
        )
    total = profile.total_mb()
    return _ok(
        {
            "remaining": 0 if total is None else total - profile.used_mb(now),
            "total": 0 if total is None else total,
            "expired_at": profile.expires_at().strftime(_TIME),
            "is_unlimited": total is None,
            "status": profile.status(now),
            "remaining_voice": 0,
            "remaining_text": 0,
            "total_voice": 0,
            "total_text": 0,
        }
    )


async def topups(request: Request) -> Response:
    sim = _sim(request)
    profile = sim.profiles.get(request.path_params["iccid"])
    if profile is None:
        return _not_found()
    if profile.cancelled:
        return _business_error(73, "The eSIM is recycled.")
    area = profile.bundles[0].offer.plan.area
    items = []
    for offer, pkg in sim.catalogue.values():
        if offer.topup and offer.plan.area == area:
            # net_price is not documented on this endpoint [U]: the simulator leaves it out.
            items.append({k: v for k, v in pkg.items() if k not in ("net_price", "prices")})
    return _ok(items)


_SIMULATED_LEVELS = {"data_75": "75%", "data_90": "90%", "expire_3": "3days", "expire_1": "1days"}


async def simulate_webhook(request: Request) -> Response:
    """`POST /v2/simulator/webhook` {event, type, iccid?, webhook_url?} (§1.9): send one notification now."""
    sim, fields = _sim(request), await _fields(request)
    target = str(fields.get("webhook_url") or "") or None
    if fields.get("event") == "low_data_notification":
        level = _SIMULATED_LEVELS.get(str(fields.get("type")))
        profile = sim.profiles.get(str(fields.get("iccid") or ""))
        if level is None or profile is None:
            return _validation_error("type" if level is None else "iccid", "The selected value is invalid.")
        await sim.webhooks.send(sim.low_data_payload(profile, level), url=target)
    elif fields.get("event") == "async_order_notification" and sim.orders:
        order = _order_json(list(sim.orders.values())[-1], sim, from_get=False)
        await sim.webhooks.send({**order, "request_id": secrets.token_hex(8)}, url=target)
    else:
        return _validation_error("event", "The selected event is invalid.")
    return JSONResponse({"success": "Notification sent"})


async def balance(request: Request) -> Response:
    amount = float(_sim(request).balance)
    return _ok({"balances": {"name": "balance", "availableBalance": {"amount": amount, "currency": "USD"}}})


class _BearerAuth:
    """401 with Airalo's body for any `/v2/*` call (except the token endpoint) without a live token."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        if path.startswith("/v2/") and path != "/v2/token" and not _authorised(Request(scope)):
            await JSONResponse(_UNAUTHORIZED, status_code=401)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(*, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> Starlette:
    """The simulator as an ASGI app; its state is `app.state.sim` (an `AiraloSimulator`)."""
    sim = AiraloSimulator(scale=scale, seed=seed, clock=clock)
    routes = [
        Route("/v2/token", token, methods=["POST"]),
        Route("/v2/packages", packages),
        Route("/v2/orders", create_order, methods=["POST"]),
        Route("/v2/orders", list_orders),
        Route("/v2/orders/topups", create_topup, methods=["POST"]),
        Route("/v2/orders/{order_id:int}", get_order),
        Route("/v2/sims/{iccid}", get_sim),
        Route("/v2/sims/{iccid}/usage", usage),
        Route("/v2/sims/{iccid}/topups", topups),
        Route("/v2/balance", balance),
        Route("/v2/simulator/webhook", simulate_webhook, methods=["POST"]),
        *admin_routes(_sim),
        *webhook_routes(_sim),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, sim=lambda: sim), Middleware(_BearerAuth)],
    )
    app.state.sim = sim
    return app
