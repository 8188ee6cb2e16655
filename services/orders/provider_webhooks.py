"""Provider webhooks: authenticate, record once by event key, then re-read the provider. Polling stays the backstop.

A delivery is admitted only with the provider's path token where it needs one (see
`providers.registry.webhook_token`) and its signature where it signs (see `providers.spec`). Even
then a callback is a prompt, never the truth: an order event releases the order's provisioning
lease and resumes it with `orders.fulfil_paid_order(resume=True)`, which asks the provider; an eSIM
event re-reads that eSIM's usage and status from the provider's API and applies only that, so a
callback alone can neither lower usage, end an eSIM, nor spend its once-only notices.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import select

from providers import base as pb
from providers.registry import ProviderRegistry, webhook_credentials, webhook_token_accepted
from providers.spec import WebhookEvent
from providers.specs import spec_for
from services.core import db
from services.core.errors import ServiceError
from services.core.models import Esim, Order, OrderStatus, ProviderWebhookEvent
from services.core.provider_runtime import get_registry
from services.core.settings import get_settings
from services.orders import ordering as orders
from services.orders import usage

log = logging.getLogger(__name__)


class InvalidWebhook(ServiceError):
    """A missing or wrong path token or signature."""

    code = "invalid_webhook"


class MalformedWebhook(ServiceError):
    """An authenticated body that is not a JSON object of the provider's shape."""

    code = "malformed_webhook"


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
class _Prompt:
    """What a recorded event asks us to read again from the provider."""

    order_id: int | None = None
    esim_id: int | None = None
    iccid: str | None = None


def _verified_event(provider_id: str, body: bytes, headers: Mapping[str, str], token: str | None) -> WebhookEvent:
    """The provider's own reading of a delivery it authenticated (token, then signature)."""
    try:
        spec = spec_for(provider_id)
    except KeyError:
        raise UnknownProvider(f"no provider {provider_id!r}") from None
    settings = get_settings()
    if not webhook_token_accepted(settings, spec, token):
        raise InvalidWebhook(f"{provider_id} webhook path token is missing or wrong")
    lowered = {k.lower(): v for k, v in headers.items()}
    if not spec.verify_webhook(body, lowered, webhook_credentials(settings, spec)):
        raise InvalidWebhook(f"{provider_id} webhook signature is missing or invalid")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise MalformedWebhook("the webhook body is not JSON") from None
    if not isinstance(data, dict):
        raise MalformedWebhook("the webhook body is not a JSON object")
    try:
        return spec.parse_webhook(data, body)
    except (ValueError, TypeError, AttributeError):
        raise MalformedWebhook(f"the webhook body is not a {provider_id} callback") from None


async def receive_provider_webhook(provider_id: str, body: bytes, headers: Mapping[str, str], *,
                                   token: str | None = None) -> ProviderWebhookResult:
    """The webhook route's one call: `handle_provider_webhook` with this process's registry."""
    return await handle_provider_webhook(provider_id, body, headers, token=token, registry=get_registry())


async def handle_provider_webhook(provider_id: str, body: bytes, headers: Mapping[str, str], *,
                                  token: str | None, registry: ProviderRegistry,
                                  now: dt.datetime | None = None) -> ProviderWebhookResult:
    """Authenticate, record and act on one delivery; a redelivery changes nothing and reports `duplicate`.

    Raises `UnknownProvider`, `InvalidWebhook` (token or signature) or `MalformedWebhook` (body)."""
    event = _verified_event(provider_id, body, headers, token)
    now = now or dt.datetime.now(dt.UTC)
    result, prompt = await asyncio.to_thread(_record, provider_id, event, now)
    if prompt.order_id is not None:  # network, after the event is recorded
        await orders.fulfil_paid_order(prompt.order_id, registry=registry, resume=True)
    elif prompt.esim_id is not None and prompt.iccid:
        outcome = await _reread_usage(registry, provider_id, prompt.esim_id, prompt.iccid, now=now)
        await asyncio.to_thread(_set_outcome, provider_id, result.event_key, outcome)
        result = replace(result, outcome=outcome)
    log.info("%s webhook %s (%s): %s", provider_id, event.kind, event.key[:40], result.outcome)
    return result


def _record(provider_id: str, event: WebhookEvent, now: dt.datetime) -> tuple[ProviderWebhookResult, _Prompt]:
    """Record the event once and say what to re-read (the row lock makes a concurrent redelivery wait)."""
    key = event.key[:200]
    with db.session() as s, s.begin():
        s.execute(pg_insert(ProviderWebhookEvent).values(provider_id=provider_id, event_key=key, kind=event.kind[:64])
                  .on_conflict_do_nothing(index_elements=["provider_id", "event_key"]))
        row = s.exec(select(ProviderWebhookEvent).where(ProviderWebhookEvent.provider_id == provider_id,
                                                        ProviderWebhookEvent.event_key == key)
                     .with_for_update()).one()
        if row.processed_at is not None:
            return ProviderWebhookResult(provider_id, key, row.kind, duplicate=True, outcome=row.outcome), _Prompt()
        prompt = _Prompt()
        if event.iccid:
            prompt = _Prompt(esim_id=_synced_esim(s, provider_id, event.iccid), iccid=event.iccid)
            outcome = "usage_check" if prompt.esim_id else "unknown_esim"
        elif event.order_ref or event.provider_order_id:
            prompt = _Prompt(order_id=_release_order(s, provider_id, event))
            outcome = "order_check" if prompt.order_id else "unknown_order"
        else:
            outcome = "ignored"
        row.processed_at, row.outcome = now, outcome
    return ProviderWebhookResult(provider_id, key, event.kind, outcome=outcome), prompt


def _synced_esim(s, provider_id: str, iccid: str) -> int | None:
    """Our newest live eSIM with this ICCID (eSIM Access reuses them); ended ones are left alone."""
    return s.exec(select(Esim.id).where(Esim.provider_id == provider_id, Esim.iccid == iccid,
                                        Esim.status.in_(usage.SYNCED_STATUSES))
                  .order_by(Esim.id.desc()).limit(1)).first()


async def _reread_usage(registry: ProviderRegistry, provider_id: str, esim_id: int, iccid: str, *,
                        now: dt.datetime) -> str:
    """Apply what the provider's API says about the eSIM now; when it cannot be asked, put the eSIM
    first in line for the usage job instead."""
    try:
        found = [u for u in await registry.get(provider_id).get_usage([iccid]) if u.iccid == iccid]
    except (KeyError, pb.ProviderError) as exc:
        log.warning("%s webhook: usage of eSIM %s not read (%s); left to the usage job", provider_id, esim_id, exc)
        found = []
    if not found:
        await asyncio.to_thread(usage.mark_stale, esim_id)
        return "usage_deferred"
    await asyncio.to_thread(usage.record_usage, esim_id, found[0], now=now)
    return "usage"


def _set_outcome(provider_id: str, event_key: str, outcome: str) -> None:
    with db.session() as s, s.begin():
        s.execute(sa.update(ProviderWebhookEvent).where(ProviderWebhookEvent.provider_id == provider_id,
                                                        ProviderWebhookEvent.event_key == event_key)
                  .values(outcome=outcome))


def _release_order(s, provider_id: str, event: WebhookEvent) -> int | None:
    """The provisioning order this event completes, with its lease released so it resumes now."""
    conditions: list[sa.ColumnElement[bool]] = []
    if event.provider_order_id:
        conditions.append(Order.provider_order_id == str(event.provider_order_id))
    suffix = f"-{provider_id}"
    if event.order_ref and str(event.order_ref).endswith(suffix):
        conditions.append(Order.client_reference == str(event.order_ref)[: -len(suffix)])
    if not conditions:
        return None
    row = s.execute(sa.update(Order).where(
        Order.provider_id == provider_id, Order.status == OrderStatus.PROVISIONING, sa.or_(*conditions),
        Order.provider_order_id.is_not(None),
    ).values(last_status_check=None).returning(Order.id)).first()
    return None if row is None else int(row[0])
