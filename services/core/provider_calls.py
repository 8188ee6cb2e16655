"""The database side of `providers.observe`: one `provider_calls` row per provider operation.

One INSERT on the pool for each batch of records (`providers.observe` groups the operations that
end together), in autocommit (one round trip), in the worker thread the observer runs in; the figures
for the admin dashboard (latency percentiles, errors, rate-limit hits) are read by `services.admin.providers`.
"""

from __future__ import annotations

import sqlalchemy as sa

from providers.observe import CallRecord
from services.core import db
from services.core.models import ProviderCall

_INSERT = sa.insert(ProviderCall.__table__)  # type: ignore[attr-defined]


def record_calls(records: list[CallRecord]) -> None:
    """Store call records, however many, in one INSERT (the registry's call observer)."""
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(_INSERT, [{
            "provider_id": r.provider_id, "operation": r.operation, "started_at": r.started_at,
            "latency_ms": r.latency_ms, "outcome": r.outcome, "http_status": r.http_status,
            "error_code": (r.error_code or None) and r.error_code[:64],
            "rate_limit_hits": min(r.rate_limit_hits, 32767), "subject": r.subject,
        } for r in records])
