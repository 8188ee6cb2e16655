"""Pure rules of the jobs: webhook signatures, notice thresholds, status words, the schedule's settings."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

from providers.esim_access import rt_signature
from services.core.models import Esim
from services.core.settings import Settings
from services.jobs.scheduler import build_scheduler, job_specs
from services.orders.provider_webhooks import verify_airalo, verify_esim_access, verify_esim_go
from services.orders.recovery import BACKOFF, MAX_RETRIES
from services.orders.usage import due_notices, status_from_provider

GO_KEY = "demo-api-key"
GO_BODY = b'{"iccid":"8944000000000000001","alertType":"Utilisation"}'
NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)


def test_esim_go_signature_accepts_the_spec_vector_in_hex_and_base64():
    assert verify_esim_go(GO_BODY, "e4e1d734b1a01d3853b5bce96a21d739dd4e0fc5d2f2e2744e820302924bd18d", GO_KEY)
    assert verify_esim_go(GO_BODY, "5OHXNLGgHThTtbzpaiHXOd1OD8XS8uJ0ToIDApJL0Y0=", GO_KEY)


def test_esim_go_signature_refuses_a_changed_body_a_wrong_key_or_none():
    good = "e4e1d734b1a01d3853b5bce96a21d739dd4e0fc5d2f2e2744e820302924bd18d"
    assert not verify_esim_go(GO_BODY + b" ", good, GO_KEY)
    assert not verify_esim_go(GO_BODY, good, "other-key")
    assert not verify_esim_go(GO_BODY, None, GO_KEY)


def test_airalo_signature_over_raw_compact_or_escaped_json():
    payload = {"level": "75%", "package_name": "a/b", "remaining_percentage": 25, "iccid": "8944"}
    raw = json.dumps(payload, indent=2).encode()
    for signed in (raw, json.dumps(payload, separators=(",", ":")).encode(),
                   json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()):
        signature = hmac.new(b"secret", signed, hashlib.sha512).hexdigest()
        assert verify_airalo(raw, signature, "secret")
        assert verify_airalo(raw, signature.upper(), "secret")
    assert not verify_airalo(raw, hmac.new(b"other", raw, hashlib.sha512).hexdigest(), "secret")
    assert not verify_airalo(raw, None, "secret")


def test_esim_access_signature_is_optional_but_checked_when_present():
    body = b'{"notifyType":"CHECK_HEALTH"}'
    assert verify_esim_access(body, {}, access_code="code", secret="s")
    signature = rt_signature("s", "1700000000000", "req-1", "code", body)
    headers = {"rt-signature": signature, "rt-timestamp": "1700000000000", "rt-requestid": "req-1"}
    assert verify_esim_access(body, headers, access_code="code", secret="s")
    assert not verify_esim_access(body, {**headers, "rt-requestid": "req-2"}, access_code="code", secret="s")


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
    settings = Settings(job_pending_orders_minutes=2, job_usage_minutes=30, job_catalog_hours=12)
    specs = {s.name: s.interval for s in job_specs(settings)}
    assert specs["pending_orders"] == dt.timedelta(minutes=2)
    assert specs["failed_orders"] == dt.timedelta(minutes=10)
    assert specs["usage_sync"] == dt.timedelta(minutes=30)
    assert specs["catalog_sync"] == dt.timedelta(hours=12)
    assert specs["email_outbox"] == dt.timedelta(minutes=1)
    assert specs["cleanup"] == dt.timedelta(days=1)


def test_scheduler_coalesces_never_overlaps_and_skips_long_missed_runs():
    scheduler = build_scheduler(Settings(job_misfire_grace_seconds=120), registry=lambda: None)  # type: ignore[arg-type,return-value]
    defaults = scheduler._scheduler._job_defaults
    assert defaults == {"coalesce": True, "max_instances": 1, "misfire_grace_time": 120}
