"""Pure rules of the jobs: notice thresholds, status words, the schedule's settings."""

from __future__ import annotations

import datetime as dt

from services.core.models import Esim
from services.core.settings import Settings
from services.jobs.scheduler import build_scheduler, job_specs
from services.orders.recovery import BACKOFF, MAX_RETRIES
from services.orders.usage import due_notices, status_from_provider

NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)


def _esim(**values) -> Esim:
    return Esim(order_id=1, provider_id="airalo", iccid="1", lpa="", smdp_address="", matching_id="",
                **{"used_mb": 0, "total_mb": 1000, "status": "active", **values})


def test_usage_notices_at_80_and_100_percent_and_a_day_before_expiry():
    assert due_notices(_esim(used_mb=799), now=NOW) == []
    assert due_notices(_esim(used_mb=800), now=NOW) == ["usage_80"]
    assert due_notices(_esim(used_mb=1000), now=NOW) == ["usage_80", "usage_100"]
    assert due_notices(_esim(unlimited=True, total_mb=None, used_mb=5000), now=NOW) == []
    assert due_notices(_esim(expires_at=NOW + dt.timedelta(hours=23)), now=NOW) == ["expiring"]
    assert due_notices(_esim(expires_at=NOW + dt.timedelta(hours=25)), now=NOW) == []
    assert due_notices(_esim(expires_at=NOW - dt.timedelta(hours=1)), now=NOW) == []


def test_provider_status_words_map_to_ours():
    assert status_from_provider("ACTIVE") == "active"
    assert status_from_provider("IN_USE/ENABLED") == "active"
    assert status_from_provider("GOT_RESOURCE/RELEASED") == "not_installed"
    assert status_from_provider("depleted") == "used_up"
    assert status_from_provider("FINISHED") == "used_up"
    assert status_from_provider("lapsed") == "expired"
    assert status_from_provider("RECYCLED") == "cancelled"
    assert status_from_provider("UNKNOWN") is None


def test_retry_schedule_is_5_15_60_minutes_then_terminal():
    assert [d.total_seconds() / 60 for d in BACKOFF] == [5, 15, 60]
    assert MAX_RETRIES == 3


def test_intervals_come_from_settings():
    settings = Settings(job_pending_orders_minutes=2, job_usage_minutes=30, job_catalog_hours=12,
                        job_analytics_minutes=5)
    specs = {s.name: s.interval for s in job_specs(settings)}
    assert specs["pending_orders"] == dt.timedelta(minutes=2)
    assert specs["failed_orders"] == dt.timedelta(minutes=10)
    assert specs["usage_sync"] == dt.timedelta(minutes=30)
    assert specs["catalog_sync"] == dt.timedelta(hours=12)
    assert specs["email_outbox"] == dt.timedelta(minutes=1)
    assert specs["cleanup"] == dt.timedelta(days=1)
    assert specs["analytics_rollups"] == dt.timedelta(minutes=5)


def test_scheduler_coalesces_never_overlaps_and_skips_long_missed_runs():
    scheduler = build_scheduler(Settings(job_misfire_grace_seconds=120), registry=lambda: None)  # type: ignore[arg-type,return-value]
    defaults = scheduler._scheduler._job_defaults
    assert defaults == {"coalesce": True, "max_instances": 1, "misfire_grace_time": 120}
