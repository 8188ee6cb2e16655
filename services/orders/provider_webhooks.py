"""Provider webhooks: verify, record once by event key, apply at once. Polling stays the backstop.

- Airalo signs with `airalo-signature`, hex HMAC-SHA512 keyed with the client secret, over the raw body
  or its compact re-serialisation (with or without `\\/`); async-order results and low-data notices.
- eSIM Access may sign with RT-* headers (optional, verified when present); dedupe on `notifyId`;
  ORDER_STATUS, ESIM_STATUS, DATA_USAGE, VALIDITY_USAGE.
- eSIM Go V3 callbacks carry `X-Signature-SHA256`, HMAC-SHA256 of the raw body keyed with the API
  key, hex or base64; the unsigned V2 form is refused. Usage alerts (`Utilisation` and the like).

Applying an order event releases the order's provisioning lease and resumes it with
`orders.fulfil_paid_order(resume=True)`, which asks the provider and completes the order once.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import select

from providers.airalo import airalo_signature, signed_payload
from providers.esim_access import MIB, rt_signature
from providers.esim_go import nominal_mb
from providers.parsing import parse_time, to_int
from providers.registry import ProviderRegistry
from providers.sandbox import credentials as sandbox
from services.core import db
from services.core.errors import ServiceError
from services.core.models import Esim, Order, OrderStatus, ProviderWebhookEvent
from services.core.settings import PROVIDER_IDS, Settings, get_settings
from services.orders import ordering as orders
from services.orders.usage import UsageUpdate, apply_usage

log = logging.getLogger(__name__)


class InvalidWebhook(ServiceError):
    """Missing or wrong signature, or a body that is not a JSON object."""

    code = "invalid_webhook"


class UnknownProvider(ServiceError):
    code = "unknown_provider"


@dataclass(frozen=True, slots=True)
class ProviderWebhookResult:
    provider_id: str
    event_key: str
    kind: str
    duplicate: bool = False
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class _Event:
    key: str
    kind: str
    order_ref: str | None = None  # our client reference at the provider
    provider_order_id: str | None = None
    iccid: str | None = None
    update: UsageUpdate | None = None
    remaining_pct: int | None = None  # Airalo's low-data notice gives only this


# --- signatures ----------------------------------------------------------------------------------


def _secrets(settings: Settings) -> dict[str, str]:
    """The key each provider signs with; the simulators' in sandbox when none is configured."""
    fallback = not settings.is_production
    return {
        "airalo": settings.airalo_api_secret or (sandbox.AIRALO_CLIENT_SECRET if fallback else ""),
        "esim_access": settings.esim_access_client_secret or (sandbox.ESIM_ACCESS_SECRET if fallback else ""),
        "esim_go": settings.esim_go_api_key or (sandbox.ESIM_GO_API_KEY if fallback else ""),
    }


def _access_code(settings: Settings) -> str:
    return settings.esim_access_client_id or ("" if settings.is_production else sandbox.ESIM_ACCESS_CODE)


def verify_airalo(body: bytes, signature: str | None, secret: str) -> bool:
    if not signature or not secret:
        return False
    candidates = [body]
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        compact = json.dumps(parsed, separators=(",", ":"), ensure_ascii=False).encode()
        candidates += [compact, signed_payload(parsed)]
    given = signature.strip().lower()
    return any(hmac.compare_digest(given, airalo_signature(secret, c)) for c in candidates)


def verify_esim_go(body: bytes, signature: str | None, api_key: str) -> bool:
    if not signature or not api_key:
        return False
    digest = hmac.new(api_key.encode(), body, hashlib.sha256).digest()
    given = signature.strip()
    return hmac.compare_digest(given.lower(), digest.hex()) or hmac.compare_digest(
        given, base64.b64encode(digest).decode())


def verify_esim_access(body: bytes, headers: Mapping[str, str], *, access_code: str, secret: str) -> bool:
    """True when unsigned (eSIM Access does not promise signatures) or correctly signed."""
    signature = headers.get("rt-signature")
    if signature is None:
        return True
    timestamp, request_id = headers.get("rt-timestamp", ""), headers.get("rt-requestid", "")
    expected = rt_signature(secret, timestamp, request_id, headers.get("rt-accesscode", access_code), body)
    return bool(timestamp and request_id) and hmac.compare_digest(signature.strip().lower(), expected)


def _verify(provider_id: str, body: bytes, headers: Mapping[str, str], settings: Settings) -> None:
    secret = _secrets(settings)[provider_id]
    ok = {
        "airalo": lambda: verify_airalo(body, headers.get("airalo-signature"), secret),
        "esim_go": lambda: verify_esim_go(body, headers.get("x-signature-sha256"), secret),
        "esim_access": lambda: verify_esim_access(body, headers, access_code=_access_code(settings), secret=secret),
    }[provider_id]()
    if not ok:
        raise InvalidWebhook(f"{provider_id} webhook signature is missing or invalid")


# --- parsing -------------------------------------------------------------------------------------


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_airalo(data: dict[str, Any], body: bytes) -> _Event:
    if data.get("iccid") and ("level" in data or "remaining_percentage" in data):
        level = str(data.get("level") or "")
        key = f"low_data:{data['iccid']}:{level or data.get('remaining_percentage')}"
        if level.endswith("days"):
            days = to_int(level.removesuffix("days"), 1)
            expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
            return _Event(key, "low_validity", iccid=str(data["iccid"]), update=UsageUpdate(expires_at=expires))
        return _Event(key, "low_data", iccid=str(data["iccid"]), update=UsageUpdate(),
                      remaining_pct=to_int(data.get("remaining_percentage"), 0))
    order = data.get("data") if isinstance(data.get("data"), dict) else data
    if order.get("request_id") or data.get("request_id"):
        request_id = str(order.get("request_id") or data.get("request_id"))
        return _Event(f"order:{request_id}", "async_order", order_ref=order.get("description"),
                      provider_order_id=str(order["id"]) if order.get("id") is not None else None)
    return _Event(_digest(body), "ignored")


def parse_esim_access(data: dict[str, Any], body: bytes) -> _Event:
    kind = str(data.get("notifyType") or "")
    content = data.get("content") if isinstance(data.get("content"), dict) else {}
    key = str(data.get("notifyId") or _digest(body))
    iccid = str(content["iccid"]) if content.get("iccid") else None
    if kind == "ORDER_STATUS" and content.get("orderStatus") == "GOT_RESOURCE":
        return _Event(key, kind, order_ref=content.get("transactionId"), provider_order_id=content.get("orderNo"))
    if kind in ("DATA_USAGE", "ESIM_STATUS") and iccid:
        total, used = content.get("totalVolume"), content.get("orderUsage")
        return _Event(key, kind, iccid=iccid, update=UsageUpdate(
            used_mb=to_int(used) // MIB if used is not None else None,
            total_mb=to_int(total) // MIB if total is not None else None,
            provider_status=content.get("esimStatus")))
    if kind == "VALIDITY_USAGE" and iccid:
        return _Event(key, kind, iccid=iccid, update=UsageUpdate(expires_at=parse_time(content.get("expiredTime"))))
    return _Event(key, kind or "ignored")


def parse_esim_go(data: dict[str, Any], body: bytes) -> _Event:
    kind = str(data.get("alertType") or data.get("event") or "")
    bundle = data.get("bundle") if isinstance(data.get("bundle"), dict) else None
    if not data.get("iccid") or bundle is None:
        return _Event(_digest(body), kind or "ignored")
    initial, remaining = to_int(bundle.get("initialQuantity")), to_int(bundle.get("remainingQuantity"))
    unlimited = bool(bundle.get("unlimited"))
    total_mb = nominal_mb(initial / 1_000_000)
    used_mb = round(total_mb * (initial - remaining) / initial) if initial else 0
    return _Event(_digest(body), kind, iccid=str(data["iccid"]), update=UsageUpdate(
        used_mb=None if unlimited else used_mb, total_mb=None if unlimited else total_mb, unlimited=unlimited,
        expires_at=parse_time(bundle.get("endTime"))))


_PARSERS = {"airalo": parse_airalo, "esim_access": parse_esim_access, "esim_go": parse_esim_go}


# --- applying ------------------------------------------------------------------------------------


async def handle_provider_webhook(provider_id: str, body: bytes, headers: Mapping[str, str], *,
                                  registry: ProviderRegistry | None = None,
                                  now: dt.datetime | None = None) -> ProviderWebhookResult:
    """Verify, record and apply one delivery; a redelivery changes nothing and reports `duplicate`."""
    if provider_id not in PROVIDER_IDS:
        raise UnknownProvider(f"no provider {provider_id!r}")
    _verify(provider_id, body, {k.lower(): v for k, v in headers.items()}, get_settings())
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidWebhook("the webhook body is not JSON") from None
    if not isinstance(data, dict):
        raise InvalidWebhook("the webhook body is not a JSON object")
    event = _PARSERS[provider_id](data, body)
    result, order_id = await asyncio.to_thread(_record_and_apply, provider_id, event, now or dt.datetime.now(dt.UTC))
    if order_id is not None and registry is not None:  # network, after the event is recorded
        await orders.fulfil_paid_order(order_id, registry=registry, resume=True)
    log.info("%s webhook %s (%s): %s", provider_id, event.kind, event.key[:40], result.outcome)
    return result


def _record_and_apply(provider_id: str, event: _Event, now: dt.datetime) -> tuple[ProviderWebhookResult, int | None]:
    """Record the event and apply it once (the row lock makes a concurrent redelivery wait)."""
    key = event.key[:200]
    with db.session() as s, s.begin():
        s.execute(pg_insert(ProviderWebhookEvent).values(provider_id=provider_id, event_key=key, kind=event.kind[:64])
                  .on_conflict_do_nothing(index_elements=["provider_id", "event_key"]))
        row = s.exec(select(ProviderWebhookEvent).where(ProviderWebhookEvent.provider_id == provider_id,
                                                        ProviderWebhookEvent.event_key == key)
                     .with_for_update()).one()
        if row.processed_at is not None:
            return ProviderWebhookResult(provider_id, key, row.kind, duplicate=True, outcome=row.outcome), None
        order_id = None
        if event.update is not None and event.iccid:
            outcome = _apply_usage(s, provider_id, event, now=now)
        elif event.order_ref or event.provider_order_id:
            order_id = _release_order(s, provider_id, event)
            outcome = "order_check" if order_id else "unknown_order"
        else:
            outcome = "ignored"
        row.processed_at, row.outcome = now, outcome
    return ProviderWebhookResult(provider_id, key, event.kind, outcome=outcome), order_id


def _apply_usage(s, provider_id: str, event: _Event, *, now: dt.datetime) -> str:
    esim = s.exec(select(Esim).where(Esim.provider_id == provider_id, Esim.iccid == event.iccid)
                  .with_for_update()).first()
    if esim is None:
        return "unknown_esim"
    update = event.update
    if event.remaining_pct is not None and esim.total_mb:
        used = round(esim.total_mb * (100 - event.remaining_pct) / 100)
        update = UsageUpdate(used_mb=max(esim.used_mb, used))
    if update.expires_at is not None and event.kind == "low_validity" and esim.expires_at is not None:
        update = UsageUpdate(expires_at=min(esim.expires_at, update.expires_at))
    apply_usage(s, esim, update, now=now)
    return "usage"


def _release_order(s, provider_id: str, event: _Event) -> int | None:
    """The provisioning order this event completes, with its lease released so it resumes now."""
    conditions = []
    if event.provider_order_id:
        conditions.append(Order.provider_order_id == str(event.provider_order_id))
    suffix = f"-{provider_id}"
    if event.order_ref and str(event.order_ref).endswith(suffix):
        conditions.append(Order.client_reference == str(event.order_ref)[: -len(suffix)])
    row = s.execute(sa.update(Order).where(
        Order.provider_id == provider_id, Order.status == OrderStatus.PROVISIONING, sa.or_(*conditions),
        Order.provider_order_id.is_not(None),
    ).values(last_status_check=None).returning(Order.id)).first()
    return None if row is None else int(row[0])
