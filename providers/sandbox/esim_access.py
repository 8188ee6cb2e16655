"""eSIM Access open API v1 simulator (PROVIDER_APIS.md §2): signed POST-only calls, the
`success/errorCode/errorMsg/obj` envelope, idempotent `transactionId`, allocation that finishes
after `allocation_delay` seconds (error 200010 until then), usage, top-ups and cancel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from providers.esim_access import SPEC, rt_signature
from providers.sandbox.base import Handler, ProviderSimulator, SimulatorError, page_of
from providers.sandbox.catalogue import DEFAULT_SEED, Offer, offers
from providers.sandbox.clock import Clock
from providers.sandbox.esims import Bundle, Profile, ProfileFactory
from providers.sandbox.webhooks import WebhookSender, notify_id, unsigned

ACCESS_CODE, SECRET_KEY = SPEC.sandbox_credentials()["access_code"], SPEC.sandbox_credentials()["secret_key"]

API = "/api/v1/open"
UNIT = Decimal(10000)
MIB = 1048576
TIMESTAMP_WINDOW_MS = 10 * 60 * 1000
REGION_CODES = {"europe": "EU", "middle-east": "ME", "asia": "AS", "africa": "AF", "americas": "AM", "oceania": "OC"}
ESIM_STATUS = {"NOT_ACTIVE": "GOT_RESOURCE", "ACTIVE": "IN_USE", "FINISHED": "USED_UP", "EXPIRED": "USED_EXPIRED"}
_TIME = "%Y-%m-%dT%H:%M:%S+0000"


class ApiError(SimulatorError):
    """An envelope error: HTTP 200 with `success: false` and eSIM Access's code."""

    def __init__(self, code: str, message: str, status: int = 200) -> None:
        super().__init__(status, message, code=code)


def _ok(obj: Any) -> JSONResponse:
    return JSONResponse({"success": True, "errorCode": None, "errorMsg": None, "obj": obj})


def _code(offer: Offer) -> tuple[str, str]:
    """(packageCode, slug) for an offer."""
    plan = offer.plan
    size = "UL" if plan.unlimited else str(plan.data_mb // 1024)  # type: ignore[operator]
    scope = {"local": "", "global": "GL"}.get(plan.scope, REGION_CODES.get(plan.area, ""))
    area = f"{scope}-{len(plan.destinations)}" if scope else plan.area
    slug = f"{area}_{size}_{plan.days}" + (f"_V{offer.variant + 1}" if offer.variant else "")
    code = "P" + hashlib.sha1(slug.encode()).hexdigest()[:10].upper()
    return (f"TOPUP_{code}", f"TOPUP_{slug}") if offer.topup else (code, slug)


def _package_json(offer: Offer) -> dict[str, Any]:
    plan = offer.plan
    code, slug = _code(offer)
    return {
        "packageCode": code, "slug": slug,
        "name": f"{plan.area_name} {plan.data_label.replace(' ', '')} {plan.days}Days",
        "price": int(offer.cost * UNIT), "retailPrice": int(offer.retail * UNIT), "currencyCode": "USD",
        "volume": (plan.data_mb or 1024) * MIB, "smsStatus": 0, "dataType": 4 if plan.unlimited else 1,
        "unusedValidTime": 180, "duration": plan.days, "durationUnit": "DAY",
        "location": ",".join(plan.destinations),
        "description": f"{plan.area_name} {plan.data_label} {plan.days} days", "activeType": 2,
        "favorite": False, "speed": "4G/5G", "ipExport": plan.destinations[0], "supportTopUpType": 2,
        "fupPolicy": "512 Kbps" if plan.unlimited else None,
        "locationNetworkList": [{"locationName": plan.area_name, "locationLogo": f"/img/{plan.area.lower()}.png",
                                 "operatorList": [{"operatorName": offer.operator, "networkType": "5G"}]}],
    }


@dataclass
class SimOrder:
    order_no: str
    transaction_id: str
    created_at: dt.datetime
    ready_at: dt.datetime
    tran_nos: list[str] = field(default_factory=list)


@dataclass
class SimEsim:
    tran_no: str
    order_no: str
    transaction_id: str
    profile: Profile
    cancelled: bool = False


class EsimAccessSimulator(ProviderSimulator):
    api_prefix = API
    server_error_answer = ApiError("000001", "server error", status=500)
    rate_limited_answer = ApiError("900001", "system busy", status=429)  # the real throttle answer is [U]

    def __init__(self, *, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> None:
        webhooks = WebhookSender(sign=unsigned, secret=SECRET_KEY)  # unsigned, as documented [U]
        super().__init__(webhooks=webhooks, clock=clock, seed=seed)
        self.allocation_delay = 2.0  # seconds until profiles are ready
        self.require_signature = True
        self.balance = 1_000_000_000_000  # 1/10,000 USD
        self.factory = ProfileFactory(iccid_prefix="898520", smdp_address="rsp.sandbox-esimaccess.test", seed="esa")
        self.packages: dict[str, tuple[Offer, dict[str, Any]]] = {}  # by packageCode and by slug
        self.listing = [(offer, _package_json(offer)) for offer in offers(SPEC.id, scale=scale, seed=seed)]
        for offer, item in self.listing:
            self.packages[item["packageCode"]] = self.packages[item["slug"]] = (offer, item)
        self.orders: dict[str, SimOrder] = {}
        self.by_transaction: dict[str, str] = {}
        self.esims: dict[str, SimEsim] = {}
        self.topups: dict[str, dict[str, Any]] = {}
        self.seen_request_ids: set[str] = set()

    def routes(self) -> list[Route]:
        """Every call is a POST of a JSON body to `/api/v1/open/<endpoint>`, answered in the envelope."""
        return [self.route(f"/{path}", _post(handler), methods=["GET", "POST", "PUT", "DELETE"])
                for path, handler in ENDPOINTS.items()]

    def error(self, exc: SimulatorError) -> Response:
        body = {"success": False, "errorCode": exc.code, "errorMsg": exc.message, "obj": None}
        return JSONResponse(body, status_code=exc.status)

    async def authorise(self, request: Request) -> None:
        """POST only; `RT-AccessCode`, and the RT-* signature over the raw body (unless not required)."""
        if request.method != "POST":
            raise ApiError("000103", "request method must be POST")
        headers = request.headers
        access = headers.get("rt-accesscode")
        if not access:
            raise ApiError("000101", "RT-AccessCode header is missing")
        if access != ACCESS_CODE:
            raise ApiError("101003", "access code is not valid")  # the real code for this is [U]
        signature = headers.get("rt-signature")
        if signature is None and not self.require_signature:
            return
        timestamp, request_id = headers.get("rt-timestamp", ""), headers.get("rt-requestid", "")
        if not (signature and timestamp and request_id):
            raise ApiError("000101", "RT-Timestamp, RT-RequestID and RT-Signature are required")
        if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > TIMESTAMP_WINDOW_MS:
            raise ApiError("101001", "timestamp expired")
        expected = rt_signature(SECRET_KEY, timestamp, request_id, access, await request.body())
        if not hmac.compare_digest(signature.lower(), expected):  # docs disagree on case [!]
            raise ApiError("101003", "signature mismatch")
        if request_id in self.seen_request_ids:
            raise ApiError("101003", "RT-RequestID was already used")  # the real code is [U]
        self.seen_request_ids.add(request_id)

    def notification(self, notify_type: str, content: dict[str, Any]) -> dict[str, Any]:
        return {"notifyType": notify_type, "notifyId": notify_id(),
                "eventGenerateTime": self.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"), "content": content}

    def usage_alerts(self) -> list[dict[str, Any]]:
        """DATA_USAGE at 50 % and 10 % left, ESIM_STATUS when used up, VALIDITY_USAGE at one day left; once each."""
        now, due = self.clock.now(), []
        for esim in list(self.esims.values()):
            profile = esim.profile
            if esim.cancelled or not profile.used(now):
                continue
            total, used, left = (profile.total_mb() or 0) * MIB, profile.used_mb(now) * MIB, profile.expires_at() - now
            ids = {"iccid": profile.iccid, "orderNo": esim.order_no, "esimTranNo": esim.tran_no, "transactionId": esim.transaction_id}
            for threshold in (0.5, 0.1):
                if total and total - used <= total * threshold and self.webhooks.first_time(profile.iccid, f"{threshold}"):
                    due.append(self.notification("DATA_USAGE", {**ids, "totalVolume": total, "orderUsage": used,
                                                                "remain": total - used, "remainThreshold": threshold,
                                                                "lastUpdateTime": now.strftime(_TIME)}))
            if total and used >= total and self.webhooks.first_time(profile.iccid, "USED_UP"):
                due.append(self.notification("ESIM_STATUS", {**ids, "esimStatus": "USED_UP", "smdpStatus": "ENABLED",
                                                             "totalVolume": total, "orderUsage": used}))
            if dt.timedelta(0) < left <= dt.timedelta(days=1) and self.webhooks.first_time(profile.iccid, "1day"):
                due.append(self.notification("VALIDITY_USAGE", {**ids, "remain": 1, "durationUnit": "DAY",
                                                                "totalDuration": profile.bundles[0].offer.plan.days,
                                                                "expiredTime": profile.expires_at().strftime(_TIME)}))
        return due

    def esim_json(self, esim: SimEsim) -> dict[str, Any]:
        now, profile = self.clock.now(), esim.profile
        offer = profile.bundles[0].offer
        code, slug = _code(offer)
        status = profile.status(now)
        esim_status = "CANCEL" if esim.cancelled else ESIM_STATUS[status]
        total = profile.total_mb()
        return {
            "esimTranNo": esim.tran_no, "orderNo": esim.order_no, "transactionId": esim.transaction_id,
            "iccid": profile.iccid, "imsi": "45400" + profile.iccid[-10:], "msisdn": "", "smsStatus": 0,
            "dataType": 4 if total is None else 1,
            "ac": f"LPA:1${profile.smdp_address}${profile.matching_id}",
            "qrCodeUrl": f"https://p.sandbox-qrsim.test/{esim.tran_no}.png",
            "shortUrl": f"https://p.sandbox-qrsim.test/{esim.tran_no}",
            "smdpStatus": "RELEASED" if status == "NOT_ACTIVE" else "ENABLED",
            "eid": "" if status == "NOT_ACTIVE" else "8904900000000000000000000000" + esim.tran_no[-4:],
            "activeType": 2,
            "activateTime": None if status == "NOT_ACTIVE" else profile.first_use_at.strftime(_TIME),
            "expiredTime": profile.expires_at().strftime(_TIME), "totalVolume": (total or 0) * MIB,
            "totalDuration": offer.plan.days, "durationUnit": "DAY", "orderUsage": profile.used_mb(now) * MIB,
            "esimStatus": esim_status, "pin": "", "puk": "", "apn": "internet",
            "packageList": [{"packageName": offer.plan.area_name, "packageCode": code, "slug": slug,
                             "duration": offer.plan.days, "volume": (offer.plan.data_mb or 0) * MIB,
                             "locationCode": offer.plan.area, "createTime": profile.issued_at.strftime(_TIME)}],
        }

    def find_esim(self, body: dict[str, Any]) -> SimEsim:
        if body.get("esimTranNo"):
            esim = self.esims.get(str(body["esimTranNo"]))
        else:
            matches = [e for e in self.esims.values() if e.profile.iccid == body.get("iccid")]
            esim = matches[-1] if matches else None
        if esim is None:
            raise ApiError("310403", "ICCID or esimTranNo not found")
        return esim


BodyHandler = Callable[[EsimAccessSimulator, dict[str, Any]], Awaitable[Any]]


def _post(handler: BodyHandler) -> Handler:
    """An endpoint taking the JSON body and answering `obj` in the success envelope."""

    async def endpoint(sim: EsimAccessSimulator, request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise ApiError("000104", "body is not valid JSON") from None
        return _ok(await handler(sim, body if isinstance(body, dict) else {}))

    return endpoint


def _require(body: dict[str, Any], name: str) -> Any:
    if name not in body:
        raise ApiError("000105", f"{name} is missing")
    if body[name] is None:
        raise ApiError("000106", f"{name} is null")
    return body[name]


async def package_list(sim: EsimAccessSimulator, body: dict[str, Any]) -> Any:
    kind = str(body.get("type") or "BASE").upper()
    location = str(body.get("locationCode") or "").upper()
    code = body.get("packageCode") or body.get("slug")
    area = None
    if kind == "TOPUP" and body.get("iccid"):
        area = sim.find_esim({"iccid": body["iccid"]}).profile.bundles[0].offer.plan.area
    elif kind == "TOPUP" and code:
        if code not in sim.packages:
            raise ApiError("310241", "packageCode not found")
        area = sim.packages[code][0].plan.area
    scope = {"!RG": "regional", "!GL": "global"}.get(location)
    return {"packageList": [
        item for offer, item in sim.listing
        if offer.topup == (kind == "TOPUP") and not (area and offer.plan.area != area)
        and not (scope and offer.plan.scope != scope)
        and not (location and not location.startswith("!") and item["location"] != location)]}


async def order(sim: EsimAccessSimulator, body: dict[str, Any]) -> Any:
    txn = str(_require(body, "transactionId"))
    if not txn or len(txn) > 50:
        raise ApiError("000107", "transactionId length is invalid")
    if txn in sim.by_transaction:  # idempotent: the same request again
        return {"orderNo": sim.by_transaction[txn], "transactionId": txn}
    lines = _require(body, "packageInfoList")
    if not isinstance(lines, list) or not lines:
        raise ApiError("200008", "packageInfoList is invalid")
    chosen: list[tuple[Offer, int]] = []
    total = 0
    for line in lines:
        key = line.get("packageCode") or line.get("slug")
        entry = sim.packages.get(str(key))
        if entry is None or entry[0].topup:
            raise ApiError("310241", "packageCode not found")
        if key in sim.faults.failing_package_ids or entry[1]["packageCode"] in sim.faults.failing_package_ids:
            raise ApiError("200011", "not enough profiles in stock")
        count = int(line.get("count") or 0)
        if not 1 <= count <= 30:
            raise ApiError("200008", "count must be 1..30")
        if line.get("price") is not None and int(line["price"]) != entry[1]["price"]:
            raise ApiError("200005", "package price mismatch")
        chosen.append((entry[0], count))
        total += entry[1]["price"] * count
    if body.get("amount") is not None and int(body["amount"]) != total:
        raise ApiError("200006", "total amount mismatch")
    if total > sim.balance:
        raise ApiError("200007", "insufficient balance")
    sim.balance -= total
    now = sim.clock.now()
    order_no = f"B{now:%y%m%d%H%M}{len(sim.orders) + 1:04d}"
    placed = SimOrder(order_no, txn, now, now + dt.timedelta(seconds=sim.allocation_delay))
    for offer, count in chosen:
        for _ in range(count):
            profile = sim.factory.issue(now)
            profile.bundles.append(Bundle(offer=offer, added_at=now, reference=txn))
            tran_no = f"{now:%y%m%d}{len(sim.esims) + 1:08d}"
            sim.esims[tran_no] = SimEsim(tran_no, order_no, txn, profile)
            placed.tran_nos.append(tran_no)
    sim.orders[order_no] = placed
    sim.by_transaction[txn] = order_no
    sim.record_order(txn)
    sim.webhooks.send_later(sim.allocation_delay, sim.notification(
        "ORDER_STATUS", {"orderNo": order_no, "orderStatus": "GOT_RESOURCE", "transactionId": txn}))
    return {"orderNo": order_no, "transactionId": txn}


async def query(sim: EsimAccessSimulator, body: dict[str, Any]) -> Any:
    pager = _require(body, "pager")
    page, size = int(pager.get("pageNum") or 1), int(pager.get("pageSize") or 5)
    if not (1 <= page <= 10000 and 5 <= size <= 500):
        raise ApiError("000107", "pager is out of range")
    now = sim.clock.now()
    if body.get("orderNo"):
        placed = sim.orders.get(str(body["orderNo"]))
        if placed is None:
            raise ApiError("310272", "orderNo not found")
        if now < placed.ready_at:
            raise ApiError("200010", "profiles are being allocated")
        found = [sim.esims[t] for t in placed.tran_nos]
    elif body.get("iccid") or body.get("esimTranNo"):
        key = "esimTranNo" if body.get("esimTranNo") else "iccid"
        found = [e for e in sim.esims.values() if (e.tran_no if key == "esimTranNo" else e.profile.iccid) == body[key]
                 and now >= sim.orders[e.order_no].ready_at]
    elif body.get("startTime") and body.get("endTime"):
        start = dt.datetime.strptime(body["startTime"], _TIME).replace(tzinfo=dt.UTC)
        end = dt.datetime.strptime(body["endTime"], _TIME).replace(tzinfo=dt.UTC)
        found = [sim.esims[t] for o in sim.orders.values()
                 if start <= o.created_at <= end + dt.timedelta(seconds=1) and now >= o.ready_at for t in o.tran_nos]
    else:
        raise ApiError("000105", "orderNo, iccid, esimTranNo or startTime/endTime is required")
    chunk, _ = page_of(found, page, size)
    return {"esimList": [sim.esim_json(e) for e in chunk], "pager": {"pageNum": page, "pageSize": size,
                                                                      "total": len(found)}}


async def usage(sim: EsimAccessSimulator, body: dict[str, Any]) -> Any:
    trans = _require(body, "esimTranNoList")
    if not isinstance(trans, list) or not 1 <= len(trans) <= 10:
        raise ApiError("000107", "esimTranNoList must hold 1..10 ids")
    now, out = sim.clock.now(), []
    for tran_no in trans:
        esim = sim.find_esim({"esimTranNo": tran_no})
        total = esim.profile.total_mb() or 0
        out.append({"esimTranNo": tran_no, "dataUsage": esim.profile.used_mb(now) * MIB, "totalData": total * MIB,
                    "lastUpdateTime": now.strftime(_TIME)})
    return {"esimUsageList": out}


async def topup(sim: EsimAccessSimulator, body: dict[str, Any]) -> Any:
    txn = str(_require(body, "transactionId"))
    if txn in sim.topups:
        return sim.topups[txn]
    esim = sim.find_esim(body)
    entry = sim.packages.get(str(_require(body, "packageCode")))
    base_area = esim.profile.bundles[0].offer.plan.area
    if entry is None or not entry[0].topup or entry[0].plan.area != base_area:
        raise ApiError("310241", "packageCode not found for this eSIM")
    now = sim.clock.now()
    if esim.cancelled or now >= esim.profile.expires_at():
        raise ApiError("200002", "operation not allowed in this eSIM status")
    if entry[1]["price"] > sim.balance:
        raise ApiError("200007", "insufficient balance")
    sim.balance -= entry[1]["price"]
    esim.profile.bundles.append(Bundle(offer=entry[0], added_at=now, reference=txn))
    profile = esim.profile
    sim.topups[txn] = result = {
        "transactionId": txn, "iccid": profile.iccid, "expiredTime": profile.expires_at().strftime(_TIME),
        "totalVolume": (profile.total_mb() or 0) * MIB, "totalDuration": max(b.offer.plan.days for b in profile.bundles),
        "orderUsage": profile.used_mb(now) * MIB, "topUpEsimTranNo": f"T{esim.tran_no}{len(profile.bundles)}"}
    sim.record_order(txn)
    return result


async def cancel(sim: EsimAccessSimulator, body: dict[str, Any]) -> Any:
    esim = sim.find_esim(body)
    if esim.cancelled or esim.profile.used(sim.clock.now()):
        raise ApiError("200002", "cancel is allowed only while GOT_RESOURCE and RELEASED")
    esim.cancelled = esim.profile.cancelled = True
    sim.balance += sum(int(b.offer.cost * UNIT) for b in esim.profile.bundles)
    return {}


async def balance(sim: EsimAccessSimulator, body: dict[str, Any]) -> Any:
    return {"balance": sim.balance, "lastUpdateTime": sim.clock.now().strftime(_TIME)}


ENDPOINTS: dict[str, BodyHandler] = {
    "package/list": package_list, "esim/order": order, "esim/query": query, "esim/usage/query": usage,
    "esim/topup": topup, "esim/cancel": cancel, "balance/query": balance,
}


def create_app(*, scale: int = 1, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> Starlette:
    """The simulator as an ASGI app; its state is `app.state.sim` (an `EsimAccessSimulator`)."""
    return EsimAccessSimulator(scale=scale, seed=seed, clock=clock).app()
