"""eSIM Access open API v1 client (PROVIDER_APIS.md §2).

Every call is a signed JSON POST (`RT-AccessCode`, `RT-Timestamp`, `RT-RequestID`, `RT-Signature`).
`transactionId` carries our client reference and is the provider's idempotency key, so order and
top-up POSTs are retried like reads. Prices are 1/10,000 USD, volumes bytes. Profiles are
allocated asynchronously: `create_order` answers PENDING and `get_order` reports PROCESSING
(error 200010) until the eSIMs exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Mapping
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

PROVIDER_ID = "esim_access"
API = "/api/v1/open"
PRICE_UNIT = Decimal(10000)  # prices are integer 1/10,000 USD
MIB = 1048576
USAGE_BATCH = 10
PAGE_SIZE = 100
FIND_WINDOW = dt.timedelta(days=7)  # how far back find_order looks
RATES = {"default": Rate(8, 1)}  # 8 requests/second [C]
STILL_ALLOCATING = "200010"


class _Allocating(ProviderError):
    """Error 200010: the order exists but its profiles are still being allocated."""


ERROR_CODES: dict[str, type[ProviderError]] = {
    "000001": TransientProviderError,
    "900001": TransientProviderError,  # system busy
    "101001": AuthRejected,  # timestamp expired: our clock is off
    "101002": AuthRejected,  # IP blocklisted
    "101003": AuthRejected,  # signature mismatch
    "200007": InsufficientBalance,
    "200011": OutOfStock,
    STILL_ALLOCATING: _Allocating,
    "310201": NotFound,
    "310211": NotFound,
    "310221": NotFound,
    "310231": NotFound,
    "310241": NotFound,
    "310243": NotFound,
    "310251": NotFound,
    "310272": NotFound,
    "310403": NotFound,
}

ESIM_STATUS = {
    "CREATE": OrderStatus.PROCESSING,
    "PAYING": OrderStatus.PROCESSING,
    "PAID": OrderStatus.PROCESSING,
    "GETTING_RESOURCE": OrderStatus.PROCESSING,
    "GOT_RESOURCE": OrderStatus.COMPLETED,
    "IN_USE": OrderStatus.COMPLETED,
    "USED_UP": OrderStatus.COMPLETED,
    "UNUSED_EXPIRED": OrderStatus.COMPLETED,
    "USED_EXPIRED": OrderStatus.COMPLETED,
    "SUSPENDED": OrderStatus.COMPLETED,
    "CANCEL": OrderStatus.FAILED,
    "REVOKE": OrderStatus.FAILED,  # [!] webhooks spell it REVOKED: accept both
    "REVOKED": OrderStatus.FAILED,
}


def rt_signature(secret: str, timestamp: str, request_id: str, access_code: str, body: bytes | str) -> str:
    """Lowercase hex HMAC-SHA256 over `Timestamp + RequestID + AccessCode + RequestBody` (no separators)."""
    text = body.decode() if isinstance(body, bytes) else body
    return hmac.new(
        secret.encode(), f"{timestamp}{request_id}{access_code}{text}".encode(), hashlib.sha256
    ).hexdigest()


def error_for(response: httpx.Response) -> ProviderError | None:
    """Envelope errors (`success: false`) by code; non-2xx statuses as transport errors."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("success") is False:
        code = str(body.get("errorCode") or "")
        message = str(body.get("errorMsg") or body.get("errorMessage") or f"error {code}")
        if response.status_code == 429:
            return default_error_for(PROVIDER_ID, response)
        cls = ERROR_CODES.get(code) or (
            TransientProviderError if response.status_code >= 500 else PermanentProviderError
        )
        return cls(message, provider=PROVIDER_ID, code=code, http_status=response.status_code)
    if response.status_code >= 400:
        found = default_error_for(PROVIDER_ID, response)
        return found or PermanentProviderError(
            f"HTTP {response.status_code}", provider=PROVIDER_ID, http_status=response.status_code
        )
    return None


def _units(value: Any) -> Decimal | None:
    amount = to_decimal(value)
    return None if amount is None else amount / PRICE_UNIT


def parse_package(item: JSON, *, topup: bool = False) -> Package:
    code = str(item["packageCode"])
    destinations = tuple(
        sorted({c.strip().upper() for c in str(item.get("location") or "").split(",") if c.strip()})
    )
    data_type = to_int(item.get("dataType"), 1)
    unlimited = data_type == 4  # daily unlimited [U]
    days = to_int(item.get("duration"))
    volume_mb = to_int(item.get("volume")) // MIB
    # dataType 2/3 are daily allowances [U]: count the whole validity so sizes stay comparable.
    data_mb = None if unlimited else volume_mb * (days if data_type in (2, 3) else 1)
    networks = item.get("locationNetworkList") or []
    operators = networks[0].get("operatorList") or [] if networks else []
    slug = str(item.get("slug") or "")
    return Package(
        provider_id=PROVIDER_ID,
        provider_package_id=code,
        name=str(item.get("name") or code),
        destinations=destinations,
        data_mb=data_mb,
        validity_days=days,
        unlimited=unlimited,
        cost_price=_units(item.get("price")) or Decimal(0),
        cost_currency=str(item.get("currencyCode") or "USD"),
        retail_price=_units(item.get("retailPrice")),
        is_topup=topup or code.startswith("TOPUP_"),
        operator=operators[0].get("operatorName") if operators else None,
        region=slug.split("_", 1)[0] if len(destinations) > 1 and slug else None,
        raw=item,
    )


def parse_esim(item: JSON) -> Esim:
    smdp, matching = split_lpa(str(item["ac"]))
    return Esim(
        provider_id=PROVIDER_ID,
        iccid=str(item["iccid"]),
        smdp_address=smdp,
        matching_id=matching,
        provider_esim_ref=str(item["esimTranNo"]),  # ICCIDs get reused; this id does not
        qr_url=item.get("qrCodeUrl"),
        raw=item,
    )


def _order_from_esims(order_no: str, items: list[JSON]) -> Order:
    statuses = {ESIM_STATUS.get(str(i.get("esimStatus")), OrderStatus.COMPLETED) for i in items}
    status = (
        OrderStatus.FAILED
        if statuses == {OrderStatus.FAILED}
        else (OrderStatus.PROCESSING if OrderStatus.PROCESSING in statuses else OrderStatus.COMPLETED)
    )
    ready = [i for i in items if i.get("ac")]
    return Order(
        provider_id=PROVIDER_ID,
        provider_order_id=order_no,
        client_reference=str(items[0].get("transactionId") or "") if items else "",
        status=status,
        esims=tuple(parse_esim(i) for i in ready),
        raw={"orderNo": order_no, "esimList": items},
    )


class EsimAccessProvider(Provider):
    id = PROVIDER_ID
    capabilities = Capabilities(cancel=True, topup=True, idempotent_orders=True, usage_batch_size=USAGE_BATCH)

    def __init__(
        self,
        *,
        access_code: str,
        secret_key: str,
        base_url: str,
        timeout: float,
        retry: RetryPolicy = DEFAULT_RETRY,
        transport: httpx.AsyncBaseTransport | None = None,
        shared_rates_url: str = "",
    ) -> None:
        self._access_code, self._secret = access_code, secret_key
        self._http = ProviderHTTP(PROVIDER_ID, base_url, timeout=timeout, rates=RATES, error_for=error_for,
                                  retry=retry, transport=transport, headers={"Content-Type": "application/json"},
                                  shared_rates_url=shared_rates_url)

    def _sign(self, request: httpx.Request) -> None:
        """Fresh timestamp and single-use request id on every attempt, over the exact bytes sent."""
        timestamp, request_id = str(int(time.time() * 1000)), str(uuid.uuid4())
        request.headers["RT-AccessCode"] = self._access_code
        request.headers["RT-Timestamp"] = timestamp
        request.headers["RT-RequestID"] = request_id
        request.headers["RT-Signature"] = rt_signature(self._secret, timestamp, request_id, self._access_code,
                                                       request.content)

    async def _post(self, endpoint: str, body: JSON) -> Any:
        """Every eSIM Access call is idempotent: reads, and writes keyed by `transactionId`."""
        content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        response = await self._http.request("POST", f"{API}/{endpoint}", idempotent=True, content=content,
                                            sign=self._sign)
        return response.json().get("obj") or {}

    async def list_packages(self) -> list[Package]:
        base = await self._post("package/list", {"type": "BASE"})
        topups = await self._post("package/list", {"type": "TOPUP"})
        return [parse_package(p) for p in base.get("packageList") or []] + [
            parse_package(p, topup=True) for p in topups.get("packageList") or []
        ]

    async def create_order(self, package_id: str, *, quantity: int, client_reference: str) -> Order:
        body = {"transactionId": client_reference,
                "packageInfoList": [{"packageCode": package_id, "count": quantity}]}
        obj = await self._post("esim/order", body)
        return Order(provider_id=PROVIDER_ID, provider_order_id=str(obj["orderNo"]),
                     client_reference=str(obj.get("transactionId") or client_reference),
                     status=OrderStatus.PENDING, raw=obj)  # profiles arrive asynchronously; poll get_order

    async def _query(self, criteria: JSON) -> list[JSON]:
        items: list[JSON] = []
        page = 1
        while True:
            obj = await self._post("esim/query", {**criteria, "pager": {"pageNum": page, "pageSize": PAGE_SIZE}})
            batch = obj.get("esimList") or []
            items.extend(batch)
            total = to_int((obj.get("pager") or {}).get("total"), len(items))
            if not batch or len(items) >= total:
                return items
            page += 1

    async def get_order(self, provider_order_id: str) -> Order:
        try:
            items = await self._query({"orderNo": provider_order_id})
        except _Allocating:
            return Order(provider_id=PROVIDER_ID, provider_order_id=provider_order_id, client_reference="",
                         status=OrderStatus.PROCESSING,
                         raw={"orderNo": provider_order_id, "errorCode": STILL_ALLOCATING})
        return _order_from_esims(provider_order_id, items)

    async def find_order(self, client_reference: str) -> Order | None:
        """Search allocated profiles of the last `FIND_WINDOW` by `transactionId`.

        An order still allocating is not listed; None is then safe because re-sending the order with
        the same `transactionId` returns the existing order instead of buying again.
        """
        end = dt.datetime.now(dt.UTC)
        fmt = "%Y-%m-%dT%H:%M:%S+0000"
        items = await self._query({"startTime": (end - FIND_WINDOW).strftime(fmt), "endTime": end.strftime(fmt)})
        mine = [i for i in items if str(i.get("transactionId")) == client_reference]
        if not mine:
            return None
        order_no = str(mine[0]["orderNo"])
        return _order_from_esims(order_no, [i for i in mine if str(i["orderNo"]) == order_no])

    async def _profile(self, iccid: str) -> JSON:
        items = await self._query({"iccid": iccid})
        if not items:
            raise NotFound("unknown ICCID", provider=PROVIDER_ID)
        return items[-1]  # ICCIDs are reused: the latest profile is the live one

    async def get_esim(self, iccid: str) -> Esim:
        return parse_esim(await self._profile(iccid))

    async def get_usage(self, iccids: list[str]) -> list[Usage]:
        if len(iccids) > USAGE_BATCH:
            raise ValueError(f"at most {USAGE_BATCH} ICCIDs per usage call")
        profiles = {iccid: await self._profile(iccid) for iccid in iccids}
        obj = await self._post("esim/usage/query", {"esimTranNoList": [p["esimTranNo"] for p in profiles.values()]})
        by_tran = {str(u["esimTranNo"]): u for u in obj.get("esimUsageList") or []}
        out = []
        for iccid, profile in profiles.items():
            usage = by_tran.get(str(profile["esimTranNo"]), {})
            unlimited = to_int(profile.get("dataType"), 1) == 4
            total = to_int(usage.get("totalData", profile.get("totalVolume")))
            used = to_int(usage.get("dataUsage", profile.get("orderUsage")))
            out.append(
                Usage(
                    iccid=iccid,
                    used_mb=used // MIB,
                    total_mb=None if unlimited else total // MIB,
                    remaining_mb=None if unlimited else max(0, total - used) // MIB,
                    unlimited=unlimited,
                    provider_status=f"{profile.get('esimStatus')}/{profile.get('smdpStatus')}",
                    expires_at=parse_time(profile.get("expiredTime")),
                    as_of=parse_time(usage.get("lastUpdateTime")),
                    raw={"usage": usage,
                         "esim": {k: v for k, v in profile.items() if k not in ("ac", "qrCodeUrl", "shortUrl")}},
                )
            )
        return out

    async def list_topups(self, iccid: str) -> list[Package]:
        obj = await self._post("package/list", {"type": "TOPUP", "iccid": iccid})
        return [parse_package(p, topup=True) for p in obj.get("packageList") or []]

    async def create_topup(self, iccid: str, package_id: str, *, client_reference: str) -> Order:
        profile = await self._profile(iccid)
        obj = await self._post("esim/topup", {"esimTranNo": profile["esimTranNo"], "packageCode": package_id,
                                              "transactionId": client_reference})
        return Order(
            provider_id=PROVIDER_ID,
            provider_order_id=str(obj.get("topUpEsimTranNo") or obj.get("transactionId") or client_reference),
            client_reference=client_reference,
            status=OrderStatus.COMPLETED,
            raw=obj,
        )

    async def cancel_order(self, provider_order_id: str) -> None:
        """Cancel every profile of the order (refunded while never installed; else error 200002)."""
        for item in await self._query({"orderNo": provider_order_id}):
            if item.get("esimStatus") not in ("CANCEL", "REVOKE", "REVOKED"):
                await self._post("esim/cancel", {"esimTranNo": item["esimTranNo"]})

    async def aclose(self) -> None:
        await self._http.aclose()


def verify_webhook(body: bytes, headers: Mapping[str, str], credentials: Mapping[str, str]) -> bool:
    """RT-* headers are checked when sent. eSIM Access does not promise to sign its callbacks, so an
    unsigned one passes here: the secret token in the callback path (`webhook_token`) is what admits it."""
    signature = headers.get("rt-signature")
    if signature is None:
        return True
    timestamp, request_id = headers.get("rt-timestamp", ""), headers.get("rt-requestid", "")
    access_code = headers.get("rt-accesscode", credentials.get("access_code", ""))
    expected = rt_signature(credentials.get("secret_key", ""), timestamp, request_id, access_code, body)
    return bool(timestamp and request_id) and hmac.compare_digest(signature.strip().lower(), expected)


def parse_webhook(data: JSON, body: bytes) -> WebhookEvent:
    """ORDER_STATUS (allocation done), DATA_USAGE / ESIM_STATUS / VALIDITY_USAGE (about one eSIM),
    keyed by `notifyId`."""
    kind = event_text(data.get("notifyType")) or ""
    content = data.get("content") if isinstance(data.get("content"), dict) else {}
    key = (event_text(data.get("notifyId")) or body_digest(body))[:200]
    if kind == "ORDER_STATUS" and content.get("orderStatus") == "GOT_RESOURCE":
        return WebhookEvent(key, kind, order_ref=event_text(content.get("transactionId")),
                            provider_order_id=event_text(content.get("orderNo")))
    iccid = event_text(content.get("iccid"))
    if kind in ("DATA_USAGE", "ESIM_STATUS", "VALIDITY_USAGE") and iccid:
        return WebhookEvent(key, kind, iccid=iccid)
    return WebhookEvent(key, kind or "ignored")


SPEC = ProviderSpec(
    id=PROVIDER_ID,
    display_name="eSIM Access",
    client=EsimAccessProvider,
    credentials=(
        Credential("access_code", "esim_access_client_id", sandbox="sandboxAccessCode"),
        Credential("secret_key", "esim_access_client_secret", sandbox="sandboxSecretKey"),
    ),
    base_url="https://api.esimaccess.com",
    verify_webhook=verify_webhook,
    parse_webhook=parse_webhook,
    webhook_token=True,  # signing is optional at eSIM Access (PROVIDER_APIS.md §2.12)
)
