"""eSIM Go API v2.4 client (PROVIDER_APIS.md §3).

`X-API-Key` auth; catalogue pages (bare array or `{"bundles": [...]}`, [!]); orders are a free
`validate` then a charging `transaction`; install details from the order or `/esims/assignments`;
top-ups apply a bundle to an existing eSIM; usage from `/esims/{iccid}/bundles`.

eSIM Go orders carry no client reference. After an order the client tags its eSIMs with
`customerRef` (`PUT /esims`); `find_order` looks for that tag, then for an untagged order that
matches an attempt this process sent (same bundle and quantity, created in the attempt's window).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import httpx

from providers.base import (
    JSON,
    AuthRejected,
    Balance,
    Capabilities,
    Esim,
    InsufficientBalance,
    NotFound,
    Order,
    OrderStatus,
    OutcomeUnknown,
    OutOfStock,
    Package,
    PermanentProviderError,
    Provider,
    ProviderError,
    SendRefused,
    Usage,
)
from providers.http import DEFAULT_RETRY, ProviderHTTP, Rate, RetryPolicy, default_error_for
from providers.parsing import parse_time, strip_scheme, to_decimal, to_int
from providers.spec import Credential, ProviderSpec, WebhookEvent, body_digest, event_text

logger = logging.getLogger(__name__)

PROVIDER_ID = "esim_go"
API_VERSION = "v2.4"
PAGE_SIZE = 1000  # the maximum perPage is [U]; fewer pages spare the 5-token catalogue calls
FIND_WINDOW = dt.timedelta(days=7)
CLOCK_SKEW = dt.timedelta(minutes=2)
# 10 tokens/s per IP [C]; the catalogue costs about 5 tokens [C3].
RATES = {"default": Rate(10, 1), "catalogue": Rate(2, 1)}

# (HTTP status, lower-case message fragment or None, error class): first match wins.
ERROR_RULES: tuple[tuple[int, str | None, type[ProviderError]], ...] = (
    (400, "insufficient", InsufficientBalance),
    (400, None, PermanentProviderError),
    (401, None, AuthRejected),
    (403, "bundle", OutOfStock),  # 403 also means no bundles left
    (403, "iccid", NotFound),  # an ICCID of another organisation
    (403, None, AuthRejected),
    (404, None, NotFound),
)

ORDER_STATUS = {
    "completed": OrderStatus.COMPLETED,
    "failed": OrderStatus.FAILED,
    "cancelled": OrderStatus.FAILED,
}
LIVE_BUNDLE_STATES = ("processing", "queued", "active", "depleted")


def error_for(response: httpx.Response) -> ProviderError | None:
    status = response.status_code
    if status < 400:
        return None
    found = default_error_for(PROVIDER_ID, response)  # 429, and 5xx (503 = "processing, come back")
    if found is not None:
        return found
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = str(body.get("message") if isinstance(body, dict) else "") or f"HTTP {status}"
    for rule_status, fragment, cls in ERROR_RULES:
        if rule_status == status and (fragment is None or fragment in message.lower()):
            return cls(message, provider=PROVIDER_ID, http_status=status)
    return PermanentProviderError(message, provider=PROVIDER_ID, http_status=status)


def nominal_mb(decimal_mb: Any) -> int:
    """eSIM Go's decimal MB (a "1GB" bundle is 1000) as nominal MB with 1 GB = 1024 MB (§4.1)."""
    return round(Decimal(str(decimal_mb)) * 1024 / 1000)


def parse_package(bundle: JSON, currency: str) -> Package:
    iso = {str(c.get("iso") or "").upper() for c in (bundle.get("countries") or []) + (bundle.get("roamingEnabled") or [])}
    # v2.5 may nest each country as {"country": {...}, "networks": [...]} [C3]
    iso |= {str((c.get("country") or {}).get("iso") or "").upper() for c in bundle.get("countries") or []}
    destinations = tuple(sorted(code for code in iso if len(code) == 2))
    unlimited = bool(bundle.get("unlimited"))
    regions = {str(c.get("region")) for c in bundle.get("countries") or [] if c.get("region")}
    return Package(
        provider_id=PROVIDER_ID,
        provider_package_id=str(bundle["name"]),
        name=str(bundle.get("description") or bundle["name"]),
        destinations=destinations,
        data_mb=None if unlimited else nominal_mb(bundle.get("dataAmount") or 0),
        validity_days=to_int(bundle.get("duration")),
        unlimited=unlimited,
        cost_price=to_decimal(bundle.get("price")) or Decimal(0),  # [!] schema says integer; values are decimals
        cost_currency=currency,
        region=next(iter(regions)) if len(destinations) > 1 and len(regions) == 1 else None,
        raw=bundle,
    )


def parse_esim(item: JSON) -> Esim:
    return Esim(
        provider_id=PROVIDER_ID,
        iccid=str(item["iccid"]),
        smdp_address=strip_scheme(str(item["smdpAddress"])),
        matching_id=str(item["matchingId"]),
        provider_esim_ref=str(item["iccid"]),
        raw=item,
    )


def parse_order(data: JSON, client_reference: str) -> Order:
    esims = tuple(parse_esim(e) for line in data.get("order") or [] for e in line.get("esims") or [])
    status = ORDER_STATUS.get(str(data.get("status") or "").lower(), OrderStatus.PROCESSING)  # others are [U]
    return Order(provider_id=PROVIDER_ID, provider_order_id=str(data["orderReference"]),
                 client_reference=client_reference, status=status, esims=esims,
                 cost_total=to_decimal(data.get("total")), currency=str(data.get("currency") or "USD"), raw=data)


def order_iccids(data: JSON) -> set[str]:
    lines = data.get("order") or []
    return {str(i) for line in lines for i in line.get("iccids") or []} | {
        str(e["iccid"]) for line in lines for e in line.get("esims") or []}


def usage_from_bundles(iccid: str, bundles: list[JSON]) -> Usage:
    """Sum the live assignments; the used fraction in bytes is scaled to nominal MB (§4.1)."""
    assignments = [a for b in bundles for a in b.get("assignments") or []]
    live = [a for a in assignments if str(a.get("bundleState")) in LIVE_BUNDLE_STATES]
    unlimited = any(a.get("unlimited") for a in live)
    initial = sum(to_int(a.get("initialQuantity")) for a in live)
    remaining = sum(to_int(a.get("remainingQuantity")) for a in live)
    used_mb, total_mb = _used_and_total(initial, remaining)
    states = [str(a.get("bundleState")) for a in live] or [str(a.get("bundleState")) for a in assignments[-1:]]
    status = "active" if "active" in states else (states[0] if states else "unknown")
    return Usage(iccid=iccid, used_mb=used_mb, total_mb=None if unlimited else total_mb,
                 remaining_mb=None if unlimited else total_mb - used_mb, unlimited=unlimited,
                 provider_status=status, as_of=dt.datetime.now(dt.UTC), raw={"bundles": bundles})


def _used_and_total(initial: int, remaining: int) -> tuple[int, int]:
    """(used, total) nominal MB from a bundle's quantities in decimal bytes."""
    total_mb = nominal_mb(initial / 1_000_000)
    return (round(total_mb * (initial - remaining) / initial) if initial else 0), total_mb


@dataclass(frozen=True, slots=True)
class _Attempt:
    item: str
    quantity: int
    sent_at: dt.datetime


class EsimGoProvider(Provider):
    id = PROVIDER_ID
    capabilities = Capabilities(topup=True, usage_batch_size=1)

    def __init__(self, *, api_key: str, base_url: str, timeout: float, retry: RetryPolicy = DEFAULT_RETRY,
                 transport: httpx.AsyncBaseTransport | None = None, shared_rates_url: str = "") -> None:
        base = base_url.rstrip("/")
        if not base.rsplit("/", 1)[-1].startswith("v2."):
            base = f"{base}/{API_VERSION}"
        self._http = ProviderHTTP(PROVIDER_ID, base, timeout=timeout, rates=RATES, error_for=error_for,
                                  retry=retry, transport=transport, headers={"X-API-Key": api_key},
                                  shared_rates_url=shared_rates_url)
        self._timeout = timeout
        self._currency: str | None = None
        self._placed: dict[str, str] = {}  # client reference -> orderReference
        self._attempts: dict[str, _Attempt] = {}  # sent, outcome not yet known

    async def _get(self, path: str, **params: Any) -> Any:
        response = await self._http.request("GET", path, idempotent=True, params=params or None)
        return response.json()

    async def _currency_code(self) -> str:
        if self._currency is None:
            body = await self._get("/organisation")
            orgs = body.get("organisations") if isinstance(body, dict) else None  # wrapper is [U]
            org = orgs[0] if orgs else body
            self._currency = str(org.get("currency") or "USD")
        return self._currency

    async def list_packages(self) -> list[Package]:
        currency = await self._currency_code()
        return await self._catalogue(currency)

    async def _catalogue(self, currency: str, **filters: Any) -> list[Package]:
        out: list[Package] = []
        page = 1
        while True:
            response = await self._http.request("GET", "/catalogue", idempotent=True, bucket="catalogue",
                                                params={"page": page, "perPage": PAGE_SIZE, **filters})
            body = response.json()
            bundles = body if isinstance(body, list) else body.get("bundles") or []  # [!] both shapes
            out.extend(parse_package(b, currency) for b in bundles)
            pages = to_int(body.get("pageCount"), 0) if isinstance(body, dict) else 0
            if len(bundles) < PAGE_SIZE or (pages and page >= pages):
                return out
            page += 1

    async def _transaction(self, line: JSON, client_reference: str) -> JSON:
        """Validate (free), then the charging transaction; a lost answer raises `OutcomeUnknown`."""
        body = {"type": "validate", "assign": True, "order": [line]}
        validated = (await self._http.request("POST", "/orders", idempotent=True, json=body)).json()
        if validated.get("valid") is False:
            raise PermanentProviderError("order did not validate", provider=PROVIDER_ID)
        self._attempts[client_reference] = _Attempt(line["item"], line["quantity"], dt.datetime.now(dt.UTC))
        body = {"type": "transaction", "assign": True, "order": [line]}
        try:
            data = (await self._http.request("POST", "/orders", idempotent=False, json=body)).json()
        except OutcomeUnknown:
            raise  # keep the attempt: find_order matches it later
        except (ProviderError, SendRefused):
            self._attempts.pop(client_reference, None)  # a definite refusal, or never sent: nothing was bought
            raise
        self._attempts.pop(client_reference, None)
        self._placed[client_reference] = str(data["orderReference"])
        return data

    async def _tag(self, data: JSON, client_reference: str) -> None:
        """Best effort: store our reference on each new eSIM so other processes can reconcile."""
        for iccid in sorted(order_iccids(data)):
            try:
                await self._http.request("PUT", "/esims", idempotent=True,
                                         json={"iccid": iccid, "customerRef": client_reference})
            except ProviderError as exc:
                logger.warning("esim_go: could not tag eSIM with its reference: %s", exc)

    async def create_order(self, package_id: str, *, quantity: int, client_reference: str) -> Order:
        line = {"type": "bundle", "item": package_id, "quantity": quantity, "allowReassign": False}
        data = await self._transaction(line, client_reference)
        await self._tag(data, client_reference)
        return await self._with_esims(parse_order(data, client_reference))

    async def _with_esims(self, order: Order) -> Order:
        """Fill install details from `/esims/assignments` when the order body has none."""
        if order.esims or order.status != OrderStatus.COMPLETED:
            return order
        response = await self._http.request("GET", "/esims/assignments", idempotent=True,
                                            params={"reference": order.provider_order_id})
        body = response.json()
        items = body if isinstance(body, list) else [body]  # [!] one object or an array
        return replace(order, esims=tuple(parse_esim(i) for i in items if i.get("matchingId")))

    async def get_order(self, provider_order_id: str) -> Order:
        data = await self._get(f"/orders/{provider_order_id}")
        reference = next((ref for ref, oid in self._placed.items() if oid == provider_order_id), "")
        return await self._with_esims(parse_order(data, reference))

    async def _orders_since(self, since: dt.datetime) -> list[JSON]:
        out: list[JSON] = []
        page = 1
        while True:
            params = {"includeIccids": "true", "page": page, "limit": 100,
                      "createdAt": f"gte:{since.strftime('%Y-%m-%dT%H:%M:%S.000Z')}"}
            body = await self._get("/orders", **params)
            rows = body if isinstance(body, list) else body.get("orders") or []  # list wrapper is [U]
            out.extend(rows)
            pages = to_int(body.get("pageCount"), 1) if isinstance(body, dict) else 1
            if not rows or page >= pages:
                return out
            page += 1

    async def find_order(self, client_reference: str) -> Order | None:
        if client_reference in self._placed:
            return await self.get_order(self._placed[client_reference])
        tagged = await self._get("/esims", filterBy="customerRef", filter=client_reference)
        iccids = {str(e["iccid"]) for e in tagged.get("esims") or [] if e.get("customerRef") == client_reference}
        attempt = self._attempts.get(client_reference)
        if not iccids and attempt is None:
            return None
        since = attempt.sent_at - CLOCK_SKEW if attempt else dt.datetime.now(dt.UTC) - FIND_WINDOW
        orders = await self._orders_since(since)
        if iccids:
            candidates = [o for o in orders if order_iccids(o) & iccids]
        else:
            assert attempt is not None
            claimed = set(self._placed.values())
            until = attempt.sent_at + dt.timedelta(seconds=self._timeout) + CLOCK_SKEW
            candidates = [
                o
                for o in orders
                if str(o["orderReference"]) not in claimed
                and [(line.get("item"), to_int(line.get("quantity"))) for line in o.get("order") or []]
                == [(attempt.item, attempt.quantity)]
                and (parse_time(o.get("createdDate")) or since) <= until
                and not await self._tagged(o)
            ]
        if not candidates:
            return None
        if len(candidates) > 1:
            raise OutcomeUnknown("several orders match this reference; reconcile by hand", provider=PROVIDER_ID)
        data = candidates[0]
        self._attempts.pop(client_reference, None)
        self._placed[client_reference] = str(data["orderReference"])
        if not iccids:
            await self._tag(data, client_reference)
        return await self._with_esims(parse_order(data, client_reference))

    async def _tagged(self, data: JSON) -> bool:
        """Whether an order's eSIMs already carry a `customerRef`: then it belongs to another reference."""
        for iccid in sorted(order_iccids(data))[:1]:
            body = await self._get("/esims", filterBy="iccid", filter=iccid)
            if any(e.get("customerRef") for e in body.get("esims") or []):
                return True
        return False

    async def get_esim(self, iccid: str) -> Esim:
        return parse_esim(await self._get(f"/esims/{iccid}"))

    async def get_usage(self, iccids: list[str]) -> list[Usage]:
        out = []
        for iccid in iccids:
            body = await self._get(f"/esims/{iccid}/bundles", includeUsed="true", limit=50)
            out.append(usage_from_bundles(iccid, body.get("bundles") or []))
        return out

    async def list_topups(self, iccid: str) -> list[Package]:
        """Bundles for the base countries of the eSIM's current bundle; any bundle can be applied."""
        body = await self._get(f"/esims/{iccid}/bundles", includeUsed="true", limit=50)
        names = [b["name"] for b in body.get("bundles") or []]
        if not names:
            return []
        current = await self._get(f"/catalogue/bundle/{names[0]}")
        countries = ",".join(sorted({str(c.get("iso")) for c in current.get("countries") or [] if c.get("iso")}))
        currency = await self._currency_code()
        packages = await self._catalogue(currency, countries=countries)
        return [replace(p, is_topup=True) for p in packages]

    async def create_topup(self, iccid: str, package_id: str, *, client_reference: str) -> Order:
        line = {"type": "bundle", "item": package_id, "quantity": 1, "iccids": [iccid], "allowReassign": False}
        return parse_order(await self._transaction(line, client_reference), client_reference)

    async def get_balance(self) -> Balance:
        """`GET /organisation`: the organisation's `balance` in its `currency`."""
        body = await self._get("/organisation")
        orgs = body.get("organisations") if isinstance(body, dict) else None  # wrapper is [U]
        org = orgs[0] if orgs else body
        return Balance(to_decimal(org.get("balance")) or Decimal(0), str(org.get("currency") or "USD"))

    async def aclose(self) -> None:
        await self._http.aclose()


def verify_webhook(body: bytes, headers: Mapping[str, str], credentials: Mapping[str, str]) -> bool:
    """V3 callbacks: `X-Signature-SHA256`, HMAC-SHA256 of the raw body keyed with the API key, hex or
    base64 (the docs disagree). The unsigned V2 form is refused."""
    signature, api_key = headers.get("x-signature-sha256"), credentials.get("api_key", "")
    if not signature or not api_key:
        return False
    digest = hmac.new(api_key.encode(), body, hashlib.sha256).digest()
    given = signature.strip()
    return hmac.compare_digest(given.lower(), digest.hex()) or hmac.compare_digest(
        given, base64.b64encode(digest).decode())


def parse_webhook(data: JSON, body: bytes) -> WebhookEvent:
    """Usage alerts (`Utilisation` and the like) and lifecycle events (`esim.deleted`), about one eSIM."""
    kind = event_text(data.get("alertType")) or event_text(data.get("event")) or "ignored"
    return WebhookEvent(body_digest(body), kind, iccid=event_text(data.get("iccid")))


SPEC = ProviderSpec(
    id=PROVIDER_ID,
    display_name="eSIM Go",
    client=EsimGoProvider,
    credentials=(Credential("api_key", "esim_go_api_key", sandbox="sandbox-esim-go-api-key"),),
    base_url="https://api.esim-go.com",
    verify_webhook=verify_webhook,
    parse_webhook=parse_webhook,
)
