"""The database side of `providers.observe`: one `provider_calls` row per provider operation.

A single INSERT on the pool, in autocommit (one round trip), in the worker thread the observer runs in; the figures for the admin
dashboard (latency percentiles, errors, rate-limit hits) are read by `services.admin.providers`.
"""

from __future__ import annotations

import sqlalchemy as sa

from providers.observe import CallRecord
from services.core import db
from services.core.models import ProviderCall

_INSERT = sa.insert(ProviderCall.__table__)  # type: ignore[attr-defined]


def record_call(record: CallRecord) -> None:
    """Store one call record (the registry's call observer)."""
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(_INSERT, {
            "provider_id": record.provider_id, "operation": record.operation, "started_at": record.started_at,
            "latency_ms": record.latency_ms, "outcome": record.outcome, "http_status": record.http_status,
            "error_code": (record.error_code or None) and record.error_code[:64],
            "rate_limit_hits": min(record.rate_limit_hits, 32767), "subject": record.subject,
        })
