"""Airalo Partner API v2 client (PROVIDER_APIS.md §1).

Client-credentials token cached until `min(expires_in, 86400) - 300` s and refreshed once on 401;
order calls signed with `airalo-signature`; our client reference travels in `description`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

import httpx

from providers.base import (
    JSON,
    AuthRejected,
    Capabilities,
    Esim,
    InsufficientBalance,
    NotFound,
    Order,
    OrderStatus,
    OutOfStock,
    Package,
    PermanentProviderError,
    Provider,
    ProviderError,
    TransientProviderError,
    Usage,
)
from providers.http import DEFAULT_RETRY, ProviderHTTP, Rate, RetryPolicy, default_error_for
from providers.parsing import parse_time, split_lpa, to_decimal, to_int
from providers.spec import Credential, ProviderSpec, WebhookEvent, body_digest, event_text

logger = logging.getLogger(__name__)

PROVIDER_ID = "airalo"
TOKEN_REFRESH_MARGIN = 300
MAX_TOKEN_LIFETIME = 86400  # [!] docs say 24 h and "a year"; never trust more than a day
PAGE_SIZE = 1000  # a large limit returns the catalogue in few pages (§1.3)

# Client-side limits (§1.3): sandbox 5/s per client; token 3/min; packages 40/min ([!] 40 or 80);
# usage 10/min per ICCID ([!] 10 or 100).
RATES = {
    "default": Rate(5, 1),
    "token": Rate(3, 60),
    "packages": Rate(40, 60),
    "usage": Rate(10, 60),
}

# Business codes from `{"code", "reason"}` bodies (§1.3).
ERROR_CODES: dict[int, type[ProviderError]] = {
    11: InsufficientBalance,
    13: TransientProviderError,  # operator maintenance: later, or another provider
    14: PermanentProviderError,  # invalid checksum (signature)
    23: PermanentProviderError,  # top-up disabled by the operator
    33: OutOfStock,  # not enough stock for the quantity
    34: OutOfStock,  # package invalid or out of stock: resync the catalogue
    43: PermanentProviderError,
    53: TransientProviderError,
    73: PermanentProviderError,  # eSIM recycled
    89: AuthRejected,  # caller IP not on the allowlist (HTTP 403)
}

ORDER_STATUS = {
    "completed": OrderStatus.COMPLETED,
    "failed": OrderStatus.FAILED,
    "refunded": OrderStatus.FAILED,
    "pending": OrderStatus.PENDING,
    "retry": OrderStatus.PROCESSING,
}


def signed_payload(payload: Mapping[str, Any]) -> bytes:
    """Compact JSON with `/` escaped as `\\/` (PHP `json_encode` style): the bytes signed and sent."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/").encode()


def airalo_signature(secret: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA512 of the body, keyed with the client secret."""
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_for(response: httpx.Response) -> ProviderError | None:
    """Airalo's error table: business codes, then statuses."""
    status = response.status_code
    if status < 400:
        return None
    body = _body(response)
    body = body if isinstance(body, dict) else {}
    meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
    if "code" in body:
        code = to_int(body.get("code"), default=-1)
        cls = ERROR_CODES.get(code, PermanentProviderError)
        return cls(str(body.get("reason") or f"error {code}"), provider=PROVIDER_ID, code=str(code),
                   http_status=status)
    if status in (401, 403):
        return AuthRejected(str(meta.get("message") or "unauthorized"), provider=PROVIDER_ID, http_status=status)
    if status == 404:
        return NotFound("not found", provider=PROVIDER_ID, http_status=status)
    if status == 422:  # validation: data maps field names to messages; name the fields only
        fields = ", ".join(sorted(body["data"])) if isinstance(body.get("data"), dict) else ""
        message = str(meta.get("message") or body.get("reason") or "invalid request")
        return PermanentProviderError(
            f"{message} ({fields})" if fields else message, provider=PROVIDER_ID, http_status=422
        )
    found = default_error_for(PROVIDER_ID, response)
    return found or PermanentProviderError(f"HTTP {status}", provider=PROVIDER_ID, http_status=status)


def parse_package(pkg: JSON, operator: JSON, location: JSON) -> Package:
    """One `packages[]` item with its operator and location."""
    unlimited = bool(pkg.get("is_unlimited"))  # [!] `amount` may be 0 or not for unlimited: trust the flag
    countries = {str(c["country_code"]).upper() for c in operator.get("countries") or [] if c.get("country_code")}
    destinations = tuple(sorted(countries)) or ((str(location["country_code"]).upper(),) if location.get("country_code") else ())
    net = to_decimal(pkg.get("net_price"))
    retail = to_decimal(pkg.get("price"))
    return Package(
        provider_id=PROVIDER_ID,
        provider_package_id=str(pkg["id"]),
        name=str(pkg.get("title") or pkg["id"]),
        destinations=destinations,
        data_mb=None if unlimited else to_int(pkg.get("amount")),
        validity_days=to_int(pkg.get("day")),
        unlimited=unlimited,
        cost_price=net if net is not None else (retail or Decimal(0)),
        cost_currency="USD",
        retail_price=retail,
        is_topup=pkg.get("type") == "topup",
        operator=operator.get("title"),
        region=None if location.get("country_code") else location.get("slug"),
        raw=pkg,
    )


def parse_esim(sim: JSON) -> Esim:
    smdp, matching = sim.get("lpa"), sim.get("matching_id")
    if not (smdp and matching) and sim.get("qrcode"):
        smdp, matching = split_lpa(str(sim["qrcode"]))
    return Esim(
        provider_id=PROVIDER_ID,
        iccid=str(sim["iccid"]),
        smdp_address=str(smdp),
        matching_id=str(matching),
        provider_esim_ref=str(sim["id"]) if sim.get("id") is not None else None,
        qr_url=sim.get("qrcode_url"),
        raw=sim,
    )


def parse_order(data: JSON) -> Order:
    sims = tuple(parse_esim(s) for s in data.get("sims") or [])
    status_obj = data.get("status")
    slug = status_obj.get("slug") if isinstance(status_obj, dict) else status_obj
    status = ORDER_STATUS.get(str(slug).lower(), OrderStatus.COMPLETED) if slug else OrderStatus.COMPLETED
    net = to_decimal(data.get("net_price"))
    return Order(
        provider_id=PROVIDER_ID,
        provider_order_id=str(data["id"]),
        client_reference=str(data.get("description") or ""),
        status=status,  # a sync order that answered 200 is complete
        esims=sims,
        cost_total=net if net is not None else to_decimal(data.get("price")),
        currency=str(data.get("currency") or "USD"),
        raw=data,
    )


def parse_usage(iccid: str, data: JSON) -> Usage:
    unlimited = bool(data.get("is_unlimited"))
    total = to_int(data.get("total"))  # MB [U], consistent with the package `amount`
    remaining = to_int(data.get("remaining"))
    return Usage(
        iccid=iccid,
        used_mb=max(0, total - remaining),
        total_mb=None if unlimited else total,
        remaining_mb=None if unlimited else remaining,
        unlimited=unlimited,
        provider_status=str(data.get("status") or "UNKNOWN"),
        expires_at=parse_time(data.get("expired_at")),
        raw=data,
    )


def _rows(data: Any) -> list[Any]:
    """[!] pages >= 2 may give `data` as an object keyed by position."""
    if isinstance(data, dict):
        return list(data.values())
    return list(data or [])


class AiraloProvider(Provider):
    id = PROVIDER_ID
    capabilities = Capabilities(topup=True, usage_batch_size=1)

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        base_url: str,
        timeout: float,
        retry: RetryPolicy = DEFAULT_RETRY,
        transport: httpx.AsyncBaseTransport | None = None,
        shared_rates_url: str = "",
    ) -> None:
        self._client_id, self._secret = client_id, client_secret
        self._http = ProviderHTTP(PROVIDER_ID, base_url, timeout=timeout, rates=RATES, error_for=error_for,
                                  retry=retry, transport=transport,
                                  shared_rates_url=shared_rates_url)
        self._token: str | None = None
        self._token_deadline = 0.0
        self._token_lock = asyncio.Lock()
        self._catalogue: dict[str, Package] = {}

    async def _access_token(self, *, renew: bool = False) -> str:
        async with self._token_lock:
            if renew or self._token is None or time.monotonic() >= self._token_deadline:
                body = {"client_id": self._client_id, "client_secret": self._secret,
                        "grant_type": "client_credentials"}
                try:
                    response = await self._http.request("POST", "/v2/token", idempotent=True, bucket="token", data=body)
                except PermanentProviderError as exc:
                    raise AuthRejected("token request rejected", provider=PROVIDER_ID,
                                       http_status=exc.http_status) from None
                data = response.json()["data"]
                lifetime = min(to_int(data.get("expires_in"), MAX_TOKEN_LIFETIME), MAX_TOKEN_LIFETIME)
                self._token = str(data["access_token"])
                self._token_deadline = time.monotonic() + max(0, lifetime - TOKEN_REFRESH_MARGIN)
            return self._token

    async def _call(self, method: str, path: str, *, idempotent: bool = True, bucket: str | None = None,
                    payload: JSON | None = None, params: Mapping[str, Any] | None = None) -> Any:
        """Authenticated call returning `data`; a 401 renews the token once and resends once."""
        kwargs: dict[str, Any] = {"params": params}
        if payload is not None:
            content = signed_payload(payload)
            kwargs["content"] = content
            kwargs["headers"] = {"Content-Type": "application/json",
                                 "airalo-signature": airalo_signature(self._secret, content)}
        token = await self._access_token()
        for renewed in (False, True):
            headers = {**kwargs.get("headers", {}), "Authorization": f"Bearer {token}"}
            try:
                response = await self._http.request(method, path, idempotent=idempotent, bucket=bucket,
                                                    **{**kwargs, "headers": headers})
            except AuthRejected as exc:
                if renewed or exc.http_status != 401:
                    raise
                logger.info("airalo token rejected; renewing once")
                token = await self._access_token(renew=True)
                continue
            return response.json()
        raise AuthRejected("token rejected after renewal", provider=PROVIDER_ID, http_status=401)

    async def list_packages(self) -> list[Package]:
        found: list[Package] = []
        page = 1
        while True:
            body = await self._call("GET", "/v2/packages", bucket="packages",
                                    params={"limit": PAGE_SIZE, "page": page, "include": "topup"})
            for location in _rows(body.get("data")):
                for operator in location.get("operators") or []:
                    found.extend(parse_package(pkg, operator, location) for pkg in operator.get("packages") or [])
            meta = body.get("meta") or {}
            if to_int(meta.get("current_page"), page) >= to_int(meta.get("last_page"), page):
                break
            page += 1
        self._catalogue = {p.provider_package_id: p for p in found}
        return found

    async def create_order(self, package_id: str, *, quantity: int, client_reference: str) -> Order:
        payload = {"quantity": quantity, "package_id": package_id, "type": "sim", "description": client_reference}
        body = await self._call("POST", "/v2/orders", idempotent=False, payload=payload)
        return parse_order(body["data"])

    async def get_order(self, provider_order_id: str) -> Order:
        body = await self._call("GET", f"/v2/orders/{provider_order_id}", params={"include": "sims,status"})
        return parse_order(body["data"])

    async def find_order(self, client_reference: str) -> Order | None:
        """Exact match on `description`; the filter itself is a substring search."""
        page = 1
        while True:
            body = await self._call("GET", "/v2/orders", params={
                "filter[description]": client_reference, "include": "sims,status", "limit": 50, "page": page})
            for row in _rows(body.get("data")):
                if str(row.get("description") or "") == client_reference:
                    return parse_order(row)
            meta = body.get("meta") or {}
            if to_int(meta.get("current_page"), page) >= to_int(meta.get("last_page"), page):
                return None
            page += 1

    async def get_esim(self, iccid: str) -> Esim:
        body = await self._call("GET", f"/v2/sims/{iccid}")
        return parse_esim(body["data"])

    async def get_usage(self, iccids: list[str]) -> list[Usage]:
        out = []
        for iccid in iccids:
            body = await self._call("GET", f"/v2/sims/{iccid}/usage", bucket=f"usage:{iccid}")
            out.append(parse_usage(iccid, body["data"]))
        return out

    async def list_topups(self, iccid: str) -> list[Package]:
        """Top-ups for this eSIM. `net_price` and coverage here are [U]: they come from the catalogue."""
        body = await self._call("GET", f"/v2/sims/{iccid}/topups")
        rows = [dict(r, type="topup") for r in _rows(body.get("data"))]
        if any(str(r["id"]) not in self._catalogue for r in rows):
            await self.list_packages()
        out = []
        for row in rows:
            package = parse_package(row, {}, {})
            known = self._catalogue.get(package.provider_package_id)
            if known is not None:
                cost = package.cost_price if row.get("net_price") is not None else known.cost_price
                package = replace(package, destinations=known.destinations, operator=known.operator,
                                  region=known.region, cost_price=cost)
            elif row.get("net_price") is None:
                logger.warning("%s top-up %s has no net price; using the retail price", PROVIDER_ID,
                               package.provider_package_id)
            out.append(package)
        return out

    async def create_topup(self, iccid: str, package_id: str, *, client_reference: str) -> Order:
        payload = {"package_id": package_id, "iccid": iccid, "description": client_reference}
        body = await self._call("POST", "/v2/orders/topups", idempotent=False, payload=payload)
        return parse_order(body["data"])

    async def aclose(self) -> None:
        await self._http.aclose()


def verify_webhook(body: bytes, headers: Mapping[str, str], credentials: Mapping[str, str]) -> bool:
    """`airalo-signature`: hex HMAC-SHA512 keyed with the client secret, over the raw body or its
    compact re-serialisation (with or without `\\/`)."""
    signature, secret = headers.get("airalo-signature"), credentials.get("client_secret", "")
    if not signature or not secret:
        return False
    candidates = [body]
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deep: only the raw body can match
        parsed = None
    if isinstance(parsed, dict):
        candidates += [json.dumps(parsed, separators=(",", ":"), ensure_ascii=False).encode(), signed_payload(parsed)]
    given = signature.strip().lower()
    return any(hmac.compare_digest(given, airalo_signature(secret, c)) for c in candidates)


def parse_webhook(data: JSON, body: bytes) -> WebhookEvent:
    """Low-data notices (a share of data, or days of validity, left) and async-order results.
    A notice only names the eSIM; its level is in the key so that each level is handled once."""
    iccid = event_text(data.get("iccid"))
    if iccid and ("level" in data or "remaining_percentage" in data):
        level = event_text(data.get("level")) or str(event_text(data.get("remaining_percentage")))
        kind = "low_validity" if level.endswith("days") else "low_data"
        return WebhookEvent(f"low_data:{iccid}:{level}"[:200], kind, iccid=iccid)
    order = data.get("data") if isinstance(data.get("data"), dict) else data
    request_id = event_text(order.get("request_id")) or event_text(data.get("request_id"))
    if request_id:
        return WebhookEvent(f"order:{request_id}", "async_order", order_ref=event_text(order.get("description")),
                            provider_order_id=event_text(order.get("id")))
    return WebhookEvent(body_digest(body), "ignored")


SPEC = ProviderSpec(
    id=PROVIDER_ID,
    display_name="Airalo",
    client=AiraloProvider,
    credentials=(
        Credential("client_id", "airalo_api_key", sandbox="sandbox-airalo-client-id"),
        Credential("client_secret", "airalo_api_secret", sandbox="sandbox-airalo-client-secret"),
    ),
    base_url="https://partners-api.airalo.com",
    verify_webhook=verify_webhook,  # every callback is signed (`airalo-signature`): no path token needed
    parse_webhook=parse_webhook,
)
