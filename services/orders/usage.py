"""eSIM usage: sync from the providers in batches, apply updates, notify once.

Only figures read from a provider's API are applied, by the sync job or when a webhook prompts a
re-read of one eSIM (`record_usage`); a webhook's own figures are never trusted.

Each notice (80 % used, 100 % used, 24 hours before expiry) is a row in `esim_notices` inserted in
the transaction that queues its email, keyed by (eSIM, kind): a second insert does nothing, so a
notice is sent once whatever mix of jobs and webhooks reports the usage. A company eSIM's notices go
to the employee it is assigned to (`employee_notice`); the company reads them in its daily summary
(`services.enterprise.usage_summary`).

The sync claims eSIMs by moving `usage_updated_at` to the run's time under
`FOR UPDATE SKIP LOCKED`, so two schedulers never ask about the same eSIM in one period.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session

from providers import base as pb
from providers.registry import ProviderRegistry
from services.core import db
from services.core.models import EnterpriseAccount, Esim, EsimAllocation, EsimNotice, EsimStatus, Order, Package, User
from services.core.settings import get_settings
from services.core.i18n import format_moment, translate
from services.core.localize import package_title
from services.core.units import format_data_size
from services.jobs.runs import JobResult
from services.notifications import enqueue_email
from services.notifications.outbox import recipient_language

log = logging.getLogger(__name__)

SYNCED_STATUSES = (EsimStatus.NOT_INSTALLED, EsimStatus.ACTIVE, EsimStatus.USED_UP)
EXPIRY_NOTICE = dt.timedelta(hours=24)
USAGE_80, USAGE_100, EXPIRING = "usage_80", "usage_100", "expiring"
EMPLOYEE_NOTICE = "employee_notice"  # the same three notices, worded for a company's employee
BATCH_CONCURRENCY = 16  # batches in flight per provider; the provider's rate limiter sets the pace

_STATUS_WORDS = {  # provider vocabulary (lower case, first part before "/") -> ours
    "not_active": EsimStatus.NOT_INSTALLED, "got_resource": EsimStatus.NOT_INSTALLED,
    "queued": EsimStatus.NOT_INSTALLED, "processing": EsimStatus.NOT_INSTALLED,
    "active": EsimStatus.ACTIVE, "in_use": EsimStatus.ACTIVE,
    "finished": EsimStatus.USED_UP, "used_up": EsimStatus.USED_UP, "depleted": EsimStatus.USED_UP,
    "expired": EsimStatus.EXPIRED, "used_expired": EsimStatus.EXPIRED, "unused_expired": EsimStatus.EXPIRED,
    "lapsed": EsimStatus.EXPIRED,
    "recycled": EsimStatus.CANCELLED, "cancel": EsimStatus.CANCELLED, "revoke": EsimStatus.CANCELLED,
    "revoked": EsimStatus.CANCELLED,
}


@dataclass(frozen=True, slots=True)
class UsageUpdate:
    """New facts about one eSIM; None leaves a field as it is."""

    used_mb: int | None = None
    total_mb: int | None = None
    unlimited: bool | None = None
    provider_status: str | None = None
    expires_at: dt.datetime | None = None


def status_from_provider(provider_status: str | None) -> EsimStatus | None:
    """Our status for a provider's word (`ACTIVE`, `IN_USE/ENABLED`, `depleted`...); None if unknown."""
    word = (provider_status or "").split("/", 1)[0].strip().lower()
    return _STATUS_WORDS.get(word)


def update_from_usage(usage: pb.Usage) -> UsageUpdate:
    return UsageUpdate(used_mb=usage.used_mb, total_mb=usage.total_mb, unlimited=usage.unlimited,
                       provider_status=usage.provider_status, expires_at=usage.expires_at)


def apply_usage(session: Session, esim: Esim, update: UsageUpdate, *, now: dt.datetime) -> list[str]:
    """Write `update` to `esim` and queue the notices it now deserves; returns the notices queued."""
    if update.unlimited is not None:
        esim.unlimited = update.unlimited
    if update.total_mb is not None or esim.unlimited:
        esim.total_mb = None if esim.unlimited else update.total_mb
    if update.used_mb is not None:
        esim.used_mb = max(0, update.used_mb)
    if update.expires_at is not None:
        esim.expires_at = update.expires_at
    status = status_from_provider(update.provider_status)
    if esim.status != EsimStatus.CANCELLED:
        if status is not None:
            esim.status = status
        if esim.expires_at is not None and esim.expires_at <= now:
            esim.status = EsimStatus.EXPIRED
        elif esim.total_mb and esim.used_mb >= esim.total_mb and not esim.unlimited:
            esim.status = EsimStatus.USED_UP
    esim.usage_updated_at = now
    session.add(esim)
    return _queue_notices(session, esim, now=now)


def record_usage(esim_id: int, usage: pb.Usage, *, now: dt.datetime) -> list[str]:
    """Apply one eSIM's usage as the provider's API reported it (a webhook's re-read); the notices queued."""
    with db.session() as s, s.begin():
        esim = s.execute(sa.select(Esim).where(Esim.id == esim_id).with_for_update()).scalar_one_or_none()
        return [] if esim is None else apply_usage(s, esim, update_from_usage(usage), now=now)


def mark_stale(esim_id: int) -> None:
    """Put an eSIM first in line for the next usage sync."""
    with db.session() as s, s.begin():
        s.execute(sa.update(Esim).where(Esim.id == esim_id).values(usage_updated_at=None))


def due_notices(esim: Esim, *, now: dt.datetime) -> list[str]:
    """The notices `esim`'s current figures call for (sent or not)."""
    due = []
    if esim.total_mb and not esim.unlimited:
        if esim.used_mb * 100 >= esim.total_mb * 80:
            due.append(USAGE_80)
        if esim.used_mb >= esim.total_mb:
            due.append(USAGE_100)
    if (esim.expires_at is not None and now < esim.expires_at <= now + EXPIRY_NOTICE
            and esim.status not in (EsimStatus.EXPIRED, EsimStatus.CANCELLED)):
        due.append(EXPIRING)
    return due


def _queue_notices(session: Session, esim: Esim, *, now: dt.datetime) -> list[str]:
    due = due_notices(esim, now=now)
    if not due:
        return []
    recipient = _recipient(session, esim)
    if recipient is None:
        return []
    address, employee = recipient
    sent = []
    for kind in due:
        inserted = session.execute(
            pg_insert(EsimNotice).values(esim_id=esim.id, kind=kind)
            .on_conflict_do_nothing(index_elements=["esim_id", "kind"]).returning(EsimNotice.kind)
        ).first()
        if inserted is None:
            continue
        lang = recipient_language(session, address)
        context = _context(session, esim, lang) | (employee or {})
        enqueue_email(session, to=address, template=EMPLOYEE_NOTICE if employee else kind,
                      context=context | {"kind": kind}, language=lang)
        sent.append(kind)
    return sent


def _recipient(session: Session, esim: Esim) -> tuple[str, dict[str, str] | None] | None:
    """Who a notice about `esim` goes to: its customer; for a company eSIM, the employee it is assigned
    to (with the employee notice's context; the company reads its daily summary instead), else nobody."""
    if esim.user_id is not None:
        user = session.get(User, esim.user_id)
        return (user.email, None) if user else None
    if esim.enterprise_account_id is None:
        return None
    found = session.execute(
        sa.select(EsimAllocation.recipient_email, EsimAllocation.recipient_name, EnterpriseAccount.company_name)
        .join(EnterpriseAccount, EnterpriseAccount.id == EsimAllocation.enterprise_account_id)
        .where(EsimAllocation.esim_id == esim.id, EsimAllocation.revoked_at.is_(None))  # type: ignore[union-attr]
    ).first()
    if found is None:
        return None
    return found.recipient_email, {"recipient_name": found.recipient_name, "company_name": found.company_name}


def _context(session: Session, esim: Esim, lang: str) -> dict[str, str]:
    """What a usage notice says about `esim`, in the recipient's language `lang`."""
    order = session.get(Order, esim.order_id)
    package = session.get(Package, order.package_id) if order else None
    public_url = get_settings().public_url.rstrip("/")
    return {
        "esim_ref": esim.display_id or "",
        "plan_name": package_title(package, lang) if package else translate(lang, "your plan"),
        "used": format_data_size(esim.used_mb, lang=lang),
        "total": format_data_size(esim.total_mb, unlimited=esim.unlimited, lang=lang),
        "expires_at": format_moment(esim.expires_at, lang) if esim.expires_at else "",  # the email says UTC
        "account_url": f"{public_url}/account/esims" if public_url else "/account/esims",
    }


# --- the sync job --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    provider_id: str
    iccid: str


def _claim(*, providers: tuple[str, ...], now: dt.datetime, stale_before: dt.datetime,
           limit: int) -> list[_Claimed]:
    """Take up to `limit` eSIMs of `providers` not synced since `stale_before`, oldest first, marking them synced now."""
    pick = (
        sa.select(Esim.id)
        .where(Esim.status.in_(SYNCED_STATUSES), Esim.provider_id.in_(providers),
               sa.or_(Esim.usage_updated_at.is_(None), Esim.usage_updated_at < stale_before))
        .order_by(Esim.usage_updated_at.asc().nulls_first(), Esim.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    with db.session() as s, s.begin():
        rows = s.execute(
            sa.update(Esim).where(Esim.id.in_(pick)).values(usage_updated_at=now)
            .returning(Esim.id, Esim.provider_id, Esim.iccid)
        ).all()
    return [_Claimed(*row) for row in rows]


def _record(batch: list[_Claimed], usages: Iterable[pb.Usage], *, now: dt.datetime) -> int:
    by_iccid = {u.iccid: u for u in usages}
    with db.session() as s, s.begin():
        esims = {e.id: e for e in s.execute(
            sa.select(Esim).where(Esim.id.in_([c.id for c in batch])).with_for_update()).scalars()}
        for claimed in batch:
            usage, esim = by_iccid.get(claimed.iccid), esims.get(claimed.id)
            if usage is not None and esim is not None:
                apply_usage(s, esim, update_from_usage(usage), now=now)
    return len(by_iccid)


async def _sync_provider(provider: pb.Provider, esims: list[_Claimed], *, now: dt.datetime) -> JobResult:
    size = max(1, provider.capabilities.usage_batch_size)
    batches = [esims[i:i + size] for i in range(0, len(esims), size)]
    gate = asyncio.Semaphore(BATCH_CONCURRENCY)

    async def one(batch: list[_Claimed]) -> JobResult:
        async with gate:
            try:
                usages = await provider.get_usage([c.iccid for c in batch])
            except pb.ProviderError as exc:
                log.warning("usage of %d %s eSIMs failed: %s", len(batch), provider.id, exc)
                return JobResult(failed=len(batch))
        done = await asyncio.to_thread(_record, batch, usages, now=now)
        return JobResult(processed=done, failed=len(batch) - done)

    return sum(await asyncio.gather(*(one(b) for b in batches)), JobResult())


async def sync_usage(*, registry: ProviderRegistry, now: dt.datetime | None = None,
                     stale_after: dt.timedelta = dt.timedelta(minutes=30), limit: int = 20_000) -> JobResult:
    """Fetch usage of the registry's eSIMs not synced for `stale_after`, all providers at once; notify once."""
    now = now or dt.datetime.now(dt.UTC)
    claimed = await asyncio.to_thread(_claim, providers=registry.ids, now=now, stale_before=now - stale_after,
                                      limit=limit)
    by_provider: dict[str, list[_Claimed]] = defaultdict(list)
    for esim in claimed:
        by_provider[esim.provider_id].append(esim)
    results = await asyncio.gather(*(
        _sync_provider(registry.get(pid), esims, now=now) for pid, esims in by_provider.items()))
    return sum(results, JobResult())
