"""Providers for staff: health over 24 hours, runtime switch, balance with a low-balance alert, tests, sync.

Figures come from `provider_calls` (every provider operation, `providers.observe`): calls, p50/p95
latency, errors, timeouts and rate-limit hits, and the order success rate (share of order and top-up
POSTs that succeeded). Switching a provider off is a store setting honoured at once: new orders and
failover skip it (`services.orders.ordering`) and its offers leave the storefront (the catalogue is
re-selected now, so the next-best provider's offer becomes the one on sale). A balance below the
staff-set threshold emails owners and operations staff once per crossing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import select

from providers.specs import PROVIDER_NAMES, provider_name
from services.accounts.sessions import Identity
from services.accounts.staff_access import active_staff_id, record
from services.admin.access import OPERATORS
from services.catalog import reprice
from services.core import db
from services.core.models import Admin, Setting, SettingType, StaffRole
from services.core.settings import get_settings
from services.notifications.outbox import enqueue_email
from services.store import settings as store

WINDOW = dt.timedelta(hours=24)
ALERTED = "providers.low_balance_alerted"  # providers below their threshold, already alerted


class UnknownProvider(store.InvalidSetting):
    code = "provider_not_configured"


@dataclass(frozen=True, slots=True)
class CallFigures:
    calls: int = 0
    p50_ms: int | None = None
    p95_ms: int | None = None
    errors: int = 0
    timeouts: int = 0
    rate_limited: int = 0  # calls that ended on a 429
    rate_limit_hits: int = 0  # 429 answers, retried ones included
    orders: int = 0  # order and top-up POSTs
    orders_ok: int = 0

    @property
    def success_percent(self) -> Decimal | None:
        return None if not self.orders else (Decimal(self.orders_ok * 100) / self.orders).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True)
class CatalogueFigures:
    offers: int = 0  # not vanished
    on_sale: int = 0  # enabled
    best: int = 0  # best price of their group
    last_changed_at: dt.datetime | None = None  # a sync last changed one of its offers


@dataclass(frozen=True, slots=True)
class SyncRunView:
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    processed: int
    failed: int
    error: str | None


@dataclass(frozen=True, slots=True)
class ProviderStatusView:
    provider_id: str
    name: str
    configured: bool  # in ESIM_PROVIDERS
    enabled: bool  # not switched off by staff
    calls: CallFigures
    catalogue: CatalogueFigures
    sync_error: str | None  # this provider's part of the last sync's error
    low_balance_threshold: Decimal | None
    balance: str | None = None  # filled by the face from a live call
    balance_low: bool = False
    balance_error: str | None = None


@dataclass(frozen=True, slots=True)
class ProvidersOverview:
    providers: tuple[ProviderStatusView, ...]
    last_sync: SyncRunView | None
    can_act: bool  # owners and operations staff switch, test and sync; others read


_CALLS = """
SELECT provider_id, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms),
       count(*) FILTER (WHERE outcome = 'error'), count(*) FILTER (WHERE outcome = 'timeout'),
       count(*) FILTER (WHERE outcome = 'rate_limited'), coalesce(sum(rate_limit_hits), 0),
       count(*) FILTER (WHERE operation IN ('create_order', 'create_topup')),
       count(*) FILTER (WHERE operation IN ('create_order', 'create_topup') AND outcome = 'ok')
FROM provider_calls WHERE started_at >= :since GROUP BY provider_id
"""
_CATALOGUE = """
SELECT provider_id, count(*) FILTER (WHERE vanished_at IS NULL), count(*) FILTER (WHERE is_enabled),
       count(*) FILTER (WHERE is_best_price), max(last_synced_at)
FROM packages GROUP BY provider_id
"""
_LAST_SYNC = ("SELECT started_at, finished_at, processed, failed, error FROM job_runs WHERE job = 'catalog_sync'"
              " ORDER BY started_at DESC LIMIT 1")


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def overview(identity: Identity, *, configured: tuple[str, ...],
             now: dt.datetime | None = None) -> ProvidersOverview:
    """Every known provider with its 24-hour figures (balances are the face's, from live calls)."""
    admin_id = active_staff_id(identity, tuple(r.value for r in StaffRole))
    since = (now or dt.datetime.now(dt.UTC)) - WINDOW
    with db.get_engine().connect() as conn:
        calls = {r[0]: CallFigures(r[1], _rounded(r[2]), _rounded(r[3]), *r[4:])
                 for r in conn.execute(sa.text(_CALLS), {"since": since})}
        catalogue = {r[0]: CatalogueFigures(*r[1:]) for r in conn.execute(sa.text(_CATALOGUE))}
        run = conn.execute(sa.text(_LAST_SYNC)).first()
    settings = store.get_store_settings()
    error = run.error if run is not None else None
    views = tuple(
        ProviderStatusView(pid, name, pid in configured, settings.provider_enabled(pid), calls.get(pid, CallFigures()),
                           catalogue.get(pid, CatalogueFigures()), _part_of(error, pid),
                           settings.low_balance_thresholds.get(pid))
        for pid, name in PROVIDER_NAMES.items())
    can_act = _can_act(admin_id)
    return ProvidersOverview(views, SyncRunView(*run) if run is not None else None, can_act)


def _part_of(error: str | None, provider_id: str) -> str | None:
    parts = [p.strip() for p in (error or "").split(";") if p.strip().startswith(f"{provider_id}:")]
    return "; ".join(parts) or None


def _can_act(admin_id: int) -> bool:
    with db.session() as s:
        admin = s.get(Admin, admin_id)
    return admin is not None and admin.staff_role in OPERATORS


def set_enabled(identity: Identity, provider_id: str, enabled: bool, *, configured: tuple[str, ...],
                ip: str | None) -> reprice.RepriceReport:
    """Switch a provider on or off at once (orders, failover, storefront offers); audited."""
    admin_id = active_staff_id(identity, OPERATORS)
    if provider_id not in PROVIDER_NAMES:
        raise UnknownProvider(f"no provider {provider_id!r}")
    before = store.get_store_settings().provider_enabled(provider_id)
    store.set_provider_enabled(provider_id, enabled, admin_id=admin_id)
    released = 0 if enabled else reprice.release_manual_choices(provider_id)
    report = reprice.apply_settings()
    with db.session() as s, s.begin():
        record(s, admin_id, "provider.enabled" if enabled else "provider.disabled", entity="provider",
               entity_id=provider_id, ip=ip, before={"enabled": before}, after={"enabled": enabled},
               offers_reflagged=report.reflagged, manual_choices_released=released,
               configured=provider_id in configured)
    return report


def set_threshold(identity: Identity, provider_id: str, amount: str, *, ip: str | None) -> Decimal | None:
    """Set (or with an empty amount, remove) the balance below which staff are emailed; audited."""
    admin_id = active_staff_id(identity, OPERATORS)
    if provider_id not in PROVIDER_NAMES:
        raise UnknownProvider(f"no provider {provider_id!r}")
    before = store.get_store_settings().low_balance_thresholds.get(provider_id)
    after = store.set_low_balance_threshold(provider_id, amount.strip() or None, admin_id=admin_id).get(provider_id)
    with db.session() as s, s.begin():
        record(s, admin_id, "provider.low_balance_threshold", entity="provider", entity_id=provider_id, ip=ip,
               before={"threshold": None if before is None else str(before)},
               after={"threshold": None if after is None else str(after)})
    return after


def note_balance(provider_id: str, amount: Decimal, currency: str) -> bool:
    """Compare a balance just read with the threshold; email owners and operations staff when it has
    newly fallen below it (once per crossing: rising above re-arms the alert). True when it emailed."""
    threshold = store.get_store_settings().low_balance_thresholds.get(provider_id)
    below = threshold is not None and amount < threshold
    with db.session() as s, s.begin():
        s.execute(insert(Setting).values(key=ALERTED, value="[]", value_type=SettingType.JSON.value,
                                         description="Providers whose low balance was alerted")
                  .on_conflict_do_nothing(index_elements=[Setting.key]))
        row = s.exec(select(Setting).where(Setting.key == ALERTED).with_for_update()).one()
        alerted = set(json.loads(row.value or "[]"))
        send = below and provider_id not in alerted
        if send:
            _alert(s, provider_id, f"{amount:,.2f} {currency}", f"{threshold:,.2f} {currency}")
            alerted.add(provider_id)
        elif not below:
            alerted.discard(provider_id)
        row.value = json.dumps(sorted(alerted))
    return send


def _alert(s, provider_id: str, balance: str, threshold: str) -> None:
    recipients = s.exec(select(Admin.email).where(Admin.is_active, Admin.staff_role.in_(OPERATORS))).all()
    url = get_settings().public_url.rstrip("/") + "/admin/providers"
    for email in recipients:
        enqueue_email(s, to=email, template="provider_low_balance", context={
            "provider_name": provider_name(provider_id), "balance": balance,
            "threshold": threshold, "providers_url": url})
