"""Airalo Partner API v2 simulator (PROVIDER_APIS.md §1): tokens, paginated catalogue, sync orders,
sims, usage and top-ups, with Airalo's envelopes and error shapes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import re
import secrets
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from providers.airalo import SPEC, airalo_signature, signed_payload
from providers.sandbox.base import ProviderSimulator, SimulatorError, page_of, request_fields
from providers.sandbox.catalogue import DEFAULT_SEED, Offer, country_names, offers
from providers.sandbox.clock import Clock
from providers.sandbox.esims import Bundle, Profile, ProfileFactory
from providers.sandbox.webhooks import WebhookSender

CLIENT_ID, CLIENT_SECRET = SPEC.sandbox_credentials()["client_id"], SPEC.sandbox_credentials()["client_secret"]

TRIGGER_CODES = {
    "test-insufficient-balance-7days-1gb": (11, "Insufficient Airalo credit."),
    "test-maintenance-mode-7days-1gb": (13, "The operator is under maintenance."),
    "test-disabled-top-up-7days-1gb": (23, "Top-up is disabled by the operator."),
    "test-not-enough-7days-1gb": (33, "Not enough eSIMs in stock for this quantity."),
    "test-out-of-stock-7days-1gb": (34, "The package is invalid or out of stock."),
}
_TIME = "%Y-%m-%d %H:%M:%S"


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


def _business_error(code: int, reason: str) -> SimulatorError:
    return SimulatorError(422, reason, code=code)


def _validation_error(field: str, message: str) -> SimulatorError:
    return SimulatorError(422, message, field=field)


def _not_found() -> SimulatorError:
    return SimulatorError(404, "messages.resource_not_found")


def _profile(sim: AiraloSimulator, request: Request) -> Profile:
    profile = sim.profiles.get(request.path_params["iccid"])
    if profile is None:
        raise _not_found()
    return profile


def _signer(sender: WebhookSender, body: bytes) -> dict[str, str]:
    return {"airalo-signature": airalo_signature(sender.secret, body)}


class AiraloSimulator(ProviderSimulator):
    api_prefix = "/v2"

    def __init__(self, *, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> None:
        webhooks = WebhookSender(sign=_signer, secret=CLIENT_SECRET, escape_slashes=True)
        super().__init__(webhooks=webhooks, clock=clock, seed=seed)
        self.token_ttl = 86400
        self.balance = Decimal("100000.00")
        self.require_signature = False  # the docs do not say the server requires it [U]
        self.object_pages = False  # [!] pages >= 2 give `data` as an object keyed by position
        self.tokens: dict[str, dt.datetime] = {}
        self.tokens_issued = 0
        self.orders: dict[int, dict[str, Any]] = {}
        self.profiles: dict[str, Profile] = {}
        self.factory = ProfileFactory(iccid_prefix="894400", smdp_address="smdp.sandbox-airalo.test", seed="airalo")
        self.locations, self.catalogue = _render_catalogue(offers(SPEC.id, scale=scale, seed=seed))

    def routes(self) -> list[Route]:
        return [
            self.route("/token", token, methods=["POST"], public=True),
            self.route("/packages", packages),
            self.route("/orders", place_order, methods=["POST"]), self.route("/orders", list_orders),
            self.route("/orders/topups", functools.partial(place_order, topup=True), methods=["POST"]),
            self.route("/orders/{order_id:int}", get_order),
            self.route("/sims/{iccid}", get_sim), self.route("/sims/{iccid}/usage", usage),
            self.route("/sims/{iccid}/topups", topups),
            self.route("/balance", balance),
            self.route("/simulator/webhook", simulate_webhook, methods=["POST"]),
        ]

    def error(self, exc: SimulatorError) -> Response:
        """`{code, reason}` business errors, `{data: {field: ...}}` validation, `{data, meta}` otherwise."""
        if exc.code is not None:
            body: dict[str, Any] = {"code": exc.code, "reason": exc.message}
        elif exc.field is not None:
            body = {"data": {exc.field: exc.message}, "meta": {"message": "the parameter is invalid"}}
        elif exc.status in (429, 500):
            body = {"message": exc.message}
        else:
            body = {"data": [], "meta": {"message": exc.message}}
        return JSONResponse(body, status_code=exc.status)

    async def authorise(self, request: Request) -> None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not self.token_valid(value):
            raise SimulatorError(401, "This action is unauthorized.")

    def low_data_payload(self, profile: Profile, level: str) -> dict[str, Any]:
        """The low-data notice (§1.9) for `level` ("75%", "90%", "3days", "1days")."""
        total, now = profile.total_mb(), self.clock.now()
        remaining = 100 if not total else max(0, round(100 * (total - profile.used_mb(now)) / total))
        return {"level": level, "package_name": package_id(profile.bundles[0].offer),
                "remaining_percentage": remaining, "iccid": profile.iccid}

    def usage_alerts(self) -> list[dict[str, Any]]:
        """Each newly crossed low-data level (75 %, 90 % used; 3 and 1 days left), once."""
        now, due = self.clock.now(), []
        for profile in list(self.profiles.values()):
            if profile.cancelled or not profile.used(now):
                continue
            total, used, left = profile.total_mb(), profile.used_mb(now), profile.expires_at() - now
            levels = [lvl for lvl, pct in (("75%", 75), ("90%", 90)) if total and used * 100 >= total * pct]
            levels += [f"{d}days" for d in (3, 1) if dt.timedelta(0) < left <= dt.timedelta(days=d)]
            due += [self.low_data_payload(profile, lvl) for lvl in levels if self.webhooks.first_time(profile.iccid, lvl)]
        return due

    def expire_tokens(self) -> None:  # the next call with a token issued before gets 401
        self.tokens.clear()

    def issue_token(self) -> str:
        token, self.tokens_issued = secrets.token_urlsafe(24), self.tokens_issued + 1
        self.tokens[token] = self.clock.now() + dt.timedelta(seconds=self.token_ttl)
        return token

    def token_valid(self, token: str) -> bool:
        now = self.clock.now()
        return self.tokens.get(token, now) > now


def _render_catalogue(items: tuple[Offer, ...]) -> tuple[list[dict[str, Any]], dict[str, tuple[Offer, dict]]]:
    """Locations -> operators -> packages, and an index by package id."""
    locations: dict[str, dict[str, Any]] = {}
    index: dict[str, tuple[Offer, dict]] = {}
    for offer in items:
        plan = offer.plan
        slug = "world" if plan.scope == "global" else _slug(plan.area_name)
        location = locations.setdefault(slug, {
            "slug": slug, "country_code": plan.area if plan.scope == "local" else "", "title": plan.area_name,
            "image": {"url": f"https://cdn.sandbox.test/{slug}.png", "width": 132, "height": 99}, "operators": {}})
        operator = location["operators"].setdefault(offer.operator, _operator(offer, len(locations)))
        pkg = {
            "id": package_id(offer), "type": "topup" if offer.topup else "sim",
            "title": f"{plan.data_label} - {plan.days} Days", "data": plan.data_label,
            "amount": 0 if plan.unlimited else plan.data_mb, "day": plan.days, "is_unlimited": plan.unlimited,
            "price": float(offer.retail), "net_price": float(offer.cost), "voice": None, "text": None,
            "short_info": None, "prices": {"net_price": {"USD": float(offer.cost)},
                                           "recommended_retail_price": {"USD": float(offer.retail)}},
        }
        operator["packages"].append(pkg)
        index[pkg["id"]] = (offer, pkg)
    for location in locations.values():
        location["operators"] = list(location["operators"].values())
    return list(locations.values()), index


def _operator(offer: Offer, position: int) -> dict[str, Any]:
    plan = offer.plan
    return {
        "id": 900 + position * 10 + plan.operators.index(offer.operator), "title": offer.operator,
        "type": "local" if plan.scope == "local" else "global", "esim_type": "Prepaid", "is_prepaid": True,
        "is_roaming": plan.scope != "local", "plan_type": "data", "activation_policy": "first-usage",
        "rechargeability": True, "is_kyc_verify": False, "apn_type": "automatic", "apn_value": None,
        "countries": [{"country_code": code, "title": country_names().get(code, code)} for code in plan.destinations],
        "install_window_days": 180, "topup_grace_window_days": 30, "packages": [],
    }


async def token(sim: AiraloSimulator, request: Request) -> Response:
    fields = await request_fields(request)
    if fields.get("client_id") != CLIENT_ID:
        raise _validation_error("client_id", "The selected client id is invalid.")
    if fields.get("client_secret") != CLIENT_SECRET or fields.get("grant_type") != "client_credentials":
        raise SimulatorError(401, "Client authentication failed")
    return _ok({"token_type": "Bearer", "expires_in": sim.token_ttl, "access_token": sim.issue_token()})


async def packages(sim: AiraloSimulator, request: Request) -> Response:
    q = request.query_params
    kind, country = q.get("filter[type]"), (q.get("filter[country]") or "").upper()
    with_topups = "topup" in (q.get("include") or "")
    limit, page = max(1, int(q.get("limit") or 50)), max(1, int(q.get("page") or 1))
    selected = []
    for location in sim.locations:
        is_local = location["country_code"] != ""
        if kind == ("global" if is_local else "local") or (country and location["country_code"] != country):
            continue
        operators = [{**op, "packages": [p for p in op["packages"] if with_topups or p["type"] == "sim"]}
                     for op in location["operators"]]
        if operators := [op for op in operators if op["packages"]]:
            selected.append({**location, "operators": operators})
    total = len(selected)
    chunk, last_page = page_of(selected, page, limit)
    if sim.object_pages and page >= 2:
        chunk = {str((page - 1) * limit + i): item for i, item in enumerate(chunk)}  # type: ignore[assignment]
    base = f"{request.url.path}?limit={limit}&page="
    links = {"first": f"{base}1", "last": f"{base}{last_page}",
             "prev": f"{base}{page - 1}" if page > 1 else None,
             "next": f"{base}{page + 1}" if page < last_page else None}
    return JSONResponse({"data": chunk, "links": links, "meta": {
        "message": "success", "current_page": page, "last_page": last_page, "per_page": str(limit), "total": total,
        "from": (page - 1) * limit + 1 if chunk else None, "to": (page - 1) * limit + len(chunk),
        "path": request.url.path}})


def _check_signature(sim: AiraloSimulator, request: Request, body: bytes, fields: dict[str, Any]) -> None:
    given = request.headers.get("airalo-signature")
    expected = {airalo_signature(CLIENT_SECRET, body), airalo_signature(CLIENT_SECRET, signed_payload(fields))}
    if (given is not None or sim.require_signature) and not any(
            hmac.compare_digest((given or "").lower(), e) for e in expected):
        raise _business_error(14, "Invalid checksum.")


def _order_json(order: dict[str, Any], sim: AiraloSimulator, *, from_get: bool) -> dict[str, Any]:
    data = {k: v for k, v in order.items() if not k.startswith("_")}
    if from_get:  # GET drifts to strings (§1.3)
        data.update(price=f"{order['price']:.2f}", net_price=f"{order['net_price']:.2f}",
                    validity=str(order["validity"]), status={"name": "Completed", "slug": "completed"})
    data["sims"] = [_sim_json(sim.profiles[iccid]) for iccid in order["_iccids"]]
    return data


def _sim_json(profile: Profile) -> dict[str, Any]:
    qrcode = f"LPA:1${profile.smdp_address}${profile.matching_id}"
    return {
        "id": int(profile.iccid[-8:-1]), "created_at": profile.issued_at.strftime(_TIME), "iccid": profile.iccid,
        "lpa": profile.smdp_address, "matching_id": profile.matching_id, "imsis": None, "qrcode": qrcode,
        "qrcode_url": f"https://sandbox-airalo.test/qr?iccid={profile.iccid}&signature=sandbox",
        "direct_apple_installation_url": f"https://esimsetup.apple.com/esim_qrcode_provisioning?carddata={qrcode}",
        "airalo_code": None, "confirmation_code": None, "apn_type": "automatic", "apn_value": None,
        "is_roaming": True, "msisdn": None, "recycled": profile.cancelled, "recycled_at": None,
    }


async def place_order(sim: AiraloSimulator, request: Request, *, topup: bool = False) -> Response:
    """`POST /v2/orders` and, with `topup`, `POST /v2/orders/topups`: synchronous, eSIMs in the answer."""
    body = await request.body()
    fields = await request_fields(request)
    _check_signature(sim, request, body, fields)
    offer, pkg, quantity, profile = _validate_order(sim, fields, topup=topup)
    cost = offer.cost * quantity
    if cost > sim.balance:
        raise _business_error(11, "Insufficient Airalo credit.")
    sim.balance -= cost
    now = sim.clock.now()
    iccids: list[str] = []
    if profile is not None:
        profile.bundles.append(_bundle(offer, now, fields))
    for _ in range(0 if topup else quantity):
        fresh = sim.factory.issue(now)
        fresh.bundles.append(_bundle(offer, now, fields))
        sim.profiles[fresh.iccid] = fresh
        iccids.append(fresh.iccid)
    order_id, description = 71000 + len(sim.orders) + 1, fields.get("description")
    sim.orders[order_id] = order = {  # the `_` keys are the simulator's own
        "id": order_id, "code": f"{now:%Y%m%d}-{order_id:06d}", "package_id": pkg["id"], "quantity": quantity,
        "type": "topup" if topup else "sim", "description": description, "esim_type": "Prepaid",
        "validity": offer.plan.days, "package": f"{offer.operator}-{pkg['title']}", "data": pkg["data"],
        "price": float(offer.retail) * quantity, "net_price": float(cost), "currency": "USD",
        "created_at": now.strftime(_TIME), "brand_settings_name": None, "text": None, "voice": None,
        "manual_installation": "<p>Settings > Mobile Data > Add eSIM</p>",
        "qrcode_installation": "<p>Scan the QR code</p>",
        "installation_guides": {"en": "https://sandbox-airalo.test/guide"}, "_iccids": iccids,
    }
    if description:
        sim.record_order(str(description))
    return _ok(_order_json(order, sim, from_get=False))


def _validate_order(sim: AiraloSimulator, fields: dict[str, Any], *,
                    topup: bool) -> tuple[Offer, dict[str, Any], int, Profile | None]:
    """(offer, package JSON, quantity, the eSIM a top-up is for) or the error Airalo would answer."""
    pkg_id = str(fields.get("package_id") or "")
    if not pkg_id:
        raise _validation_error("package_id", "The package id field is required.")
    quantity = 1
    if not topup:
        try:
            quantity = int(fields.get("quantity") or 0)
        except (TypeError, ValueError):
            raise _validation_error("quantity", "The quantity must be an integer.") from None
        if not 1 <= quantity <= 50:
            raise _validation_error("quantity", "The quantity must be between 1 and 50.")
    if pkg_id in TRIGGER_CODES:
        raise _business_error(*TRIGGER_CODES[pkg_id])
    entry = sim.catalogue.get(pkg_id)
    if entry is None or pkg_id in sim.faults.failing_package_ids or (entry[0].topup != topup):
        raise _business_error(34, "The package is invalid or out of stock.")
    profile = None
    if topup:
        profile = sim.profiles.get(str(fields.get("iccid") or ""))
        if profile is None:
            raise _validation_error("iccid", "The selected iccid is invalid.")
        if profile.cancelled:
            raise _business_error(73, "The eSIM is recycled.")
    return entry[0], entry[1], quantity, profile


def _bundle(offer: Offer, now: dt.datetime, fields: dict[str, Any]) -> Bundle:
    return Bundle(offer=offer, added_at=now, reference=str(fields.get("description") or ""))


async def list_orders(sim: AiraloSimulator, request: Request) -> Response:
    q = request.query_params
    needle = q.get("filter[description]")
    found = [_order_json(o, sim, from_get=True) for o in sim.orders.values()
             if needle is None or (o["description"] and needle in str(o["description"]))]
    limit, page = max(1, int(q.get("limit") or 50)), max(1, int(q.get("page") or 1))
    rows, last_page = page_of(found, page, limit)
    return _ok(rows, current_page=page, last_page=last_page, per_page=str(limit), total=len(found))


async def get_order(sim: AiraloSimulator, request: Request) -> Response:
    order = sim.orders.get(int(request.path_params["order_id"]))
    if order is None:
        raise _not_found()
    return _ok(_order_json(order, sim, from_get=True))


async def get_sim(sim: AiraloSimulator, request: Request) -> Response:
    return _ok(_sim_json(_profile(sim, request)))


async def usage(sim: AiraloSimulator, request: Request) -> Response:
    profile, now = _profile(sim, request), sim.clock.now()
    if profile.cancelled:
        return _ok({"remaining": 0, "total": 0, "expired_at": None, "is_unlimited": False, "status": "RECYCLED"})
    total = profile.total_mb()
    return _ok({
        "remaining": 0 if total is None else total - profile.used_mb(now), "total": 0 if total is None else total,
        "expired_at": profile.expires_at().strftime(_TIME), "is_unlimited": total is None,
        "status": profile.status(now), "remaining_voice": 0, "remaining_text": 0, "total_voice": 0, "total_text": 0,
    })


async def topups(sim: AiraloSimulator, request: Request) -> Response:
    profile = _profile(sim, request)
    if profile.cancelled:
        raise _business_error(73, "The eSIM is recycled.")
    area = profile.bundles[0].offer.plan.area
    # net_price is not documented on this endpoint [U]: the simulator leaves it out.
    return _ok([{k: v for k, v in pkg.items() if k not in ("net_price", "prices")}
                for offer, pkg in sim.catalogue.values() if offer.topup and offer.plan.area == area])


_SIMULATED_LEVELS = {"data_75": "75%", "data_90": "90%", "expire_3": "3days", "expire_1": "1days"}


async def simulate_webhook(sim: AiraloSimulator, request: Request) -> Response:
    """`POST /v2/simulator/webhook` {event, type, iccid?, webhook_url?} (§1.9): send one notification now."""
    fields = await request_fields(request)
    target, event = str(fields.get("webhook_url") or "") or None, fields.get("event")
    if event == "low_data_notification":
        level = _SIMULATED_LEVELS.get(str(fields.get("type")))
        profile = sim.profiles.get(str(fields.get("iccid") or ""))
        if level is None or profile is None:
            raise _validation_error("type" if level is None else "iccid", "The selected value is invalid.")
        await sim.webhooks.send(sim.low_data_payload(profile, level), url=target)
    elif event == "async_order_notification" and sim.orders:
        order = _order_json(list(sim.orders.values())[-1], sim, from_get=False)
        await sim.webhooks.send({**order, "request_id": secrets.token_hex(8)}, url=target)
    else:
        raise _validation_error("event", "The selected event is invalid.")
    return JSONResponse({"success": "Notification sent"})


async def balance(sim: AiraloSimulator, request: Request) -> Response:
    available = {"amount": float(sim.balance), "currency": "USD"}
    return _ok({"balances": {"name": "balance", "availableBalance": available}})


def create_app(*, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> Starlette:
    """The simulator as an ASGI app; its state is `app.state.sim` (an `AiraloSimulator`)."""
    return AiraloSimulator(scale=scale, seed=seed, clock=clock).app()
