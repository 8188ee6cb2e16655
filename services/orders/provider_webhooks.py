"""Provider webhooks: verify, record once by event key, apply at once. Polling stays the backstop.

Each provider's spec verifies its signature and parses the body into a `WebhookEvent` (see
`providers.spec`); this module only deduplicates, records and applies. Applying an order event
releases the order's provisioning lease and resumes it with `orders.fulfil_paid_order(resume=True)`,
which asks the provider and completes the order once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import select

from providers.registry import ProviderRegistry, webhook_credentials
from providers.spec import WebhookEvent
from providers.specs import spec_for
from services.core import db
from services.core.errors import ServiceError
from services.core.models import Esim, Order, OrderStatus, ProviderWebhookEvent
from services.core.provider_runtime import get_registry
from services.core.settings import get_settings
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


def _verified_event(provider_id: str, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
    """The provider's own reading of a delivery whose signature it accepts."""
    try:
        spec = spec_for(provider_id)
    except KeyError:
        raise UnknownProvider(f"no provider {provider_id!r}") from None
    lowered = {k.lower(): v for k, v in headers.items()}
    if not spec.verify_webhook(body, lowered, webhook_credentials(get_settings(), spec)):
        raise InvalidWebhook(f"{provider_id} webhook signature is missing or invalid")
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidWebhook("the webhook body is not JSON") from None
    if not isinstance(data, dict):
        raise InvalidWebhook("the webhook body is not a JSON object")
    return spec.parse_webhook(data, body)


async def receive_provider_webhook(provider_id: str, body: bytes, headers: Mapping[str, str]) -> ProviderWebhookResult:
    """The webhook route's one call: `handle_provider_webhook` with this process's registry."""
    return await handle_provider_webhook(provider_id, body, headers, registry=get_registry())


async def handle_provider_webhook(provider_id: str, body: bytes, headers: Mapping[str, str], *,
                                  registry: ProviderRegistry | None = None,
                                  now: dt.datetime | None = None) -> ProviderWebhookResult:
    """Verify, record and apply one delivery; a redelivery changes nothing and reports `duplicate`."""
    event = _verified_event(provider_id, body, headers)
    result, order_id = await asyncio.to_thread(_record_and_apply, provider_id, event, now or dt.datetime.now(dt.UTC))
    if order_id is not None and registry is not None:  # network, after the event is recorded
        await orders.fulfil_paid_order(order_id, registry=registry, resume=True)
    log.info("%s webhook %s (%s): %s", provider_id, event.kind, event.key[:40], result.outcome)
    return result


def _record_and_apply(provider_id: str, event: WebhookEvent, now: dt.datetime) -> tuple[ProviderWebhookResult, int | None]:
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
        if event.usage is not None and event.iccid:
            outcome = _apply_usage(s, provider_id, event, now=now)
        elif event.order_ref or event.provider_order_id:
            order_id = _release_order(s, provider_id, event)
            outcome = "order_check" if order_id else "unknown_order"
        else:
            outcome = "ignored"
        row.processed_at, row.outcome = now, outcome
    return ProviderWebhookResult(provider_id, key, event.kind, outcome=outcome), order_id


def _apply_usage(s, provider_id: str, event: WebhookEvent, *, now: dt.datetime) -> str:
    esim = s.exec(select(Esim).where(Esim.provider_id == provider_id, Esim.iccid == event.iccid)
                  .with_for_update()).first()
    if esim is None:
        return "unknown_esim"
    update = UsageUpdate(**dataclasses.asdict(event.usage))
    if event.remaining_pct is not None and esim.total_mb:
        used = round(esim.total_mb * (100 - event.remaining_pct) / 100)
        update = UsageUpdate(used_mb=max(esim.used_mb, used))
    if update.expires_at is not None and event.validity_notice and esim.expires_at is not None:
        update = UsageUpdate(expires_at=min(esim.expires_at, update.expires_at))
    apply_usage(s, esim, update, now=now)
    return "usage"


def _release_order(s, provider_id: str, event: WebhookEvent) -> int | None:
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
