"""Retention: received webhook events are kept for `WEBHOOK_RETENTION_DAYS` (default 90), provider
call records for `PROVIDER_CALL_RETENTION_DAYS` (default 30), then deleted.

The rows exist to deduplicate redeliveries, which providers and Stripe stop within days, and for a
while as an audit trail; past the retention period they are only personal-data risk and table bloat.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from services.core import db
from services.core.models import ProviderCall, ProviderWebhookEvent, StripeEvent


def purge_webhook_events(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete provider and Stripe webhook events received more than `older_than` ago; how many went."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - older_than
    with db.session() as s, s.begin():
        deleted = 0
        for table in (ProviderWebhookEvent, StripeEvent):
            result = s.execute(sa.delete(table).where(table.received_at < cutoff))
            deleted += result.rowcount or 0
    return deleted


def purge_provider_calls(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete provider call records that started more than `older_than` ago; how many went."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - older_than
    with db.session() as s, s.begin():
        result = s.execute(sa.delete(ProviderCall).where(ProviderCall.started_at < cutoff))
    return result.rowcount or 0
