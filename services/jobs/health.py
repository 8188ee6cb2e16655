"""Health: the database's state (for `/api/health`) and, for the admin dashboard, per job its last
run, next run, last error and recent counts.

Read from `job_runs`, so it is right whichever process runs the scheduler; the next run is the
last start plus the job's interval (due now when a job never ran or is overdue).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on

from services.core import db
from services.core.models import JobRun
from services.jobs.scheduler import job_specs

RECENT = dt.timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class JobHealthView:
    job: str
    interval_seconds: int
    last_started_at: dt.datetime | None
    last_finished_at: dt.datetime | None  # None while the last run is still going (or died)
    next_run_at: dt.datetime
    last_run_ok: bool | None  # None before the first run finishes
    last_error: str | None  # the newest error, even when later runs went well
    last_error_at: dt.datetime | None
    recent_runs: int
    recent_processed: int
    recent_failed: int
    recent_errors: int


def database_ok() -> bool:
    """True when the database answers a trivial query."""
    return db.ping()


def job_overview(*, now: dt.datetime | None = None, window: dt.timedelta = RECENT) -> list[JobHealthView]:
    """One row per scheduled job, in schedule order."""
    now = now or dt.datetime.now(dt.UTC)
    since = now - window
    with db.session() as s:
        last = {r.job: r for r in s.execute(
            sa.select(JobRun).ext(distinct_on(JobRun.job)).order_by(JobRun.job, JobRun.started_at.desc(), JobRun.id.desc())
        ).scalars()}
        failed_last = {r.job: r for r in s.execute(
            sa.select(JobRun).where(JobRun.error.is_not(None)).ext(distinct_on(JobRun.job))
            .order_by(JobRun.job, JobRun.started_at.desc(), JobRun.id.desc())
        ).scalars()}
        counts = {row.job: row for row in s.execute(
            sa.select(JobRun.job, sa.func.count().label("runs"),
                      sa.func.coalesce(sa.func.sum(JobRun.processed), 0).label("processed"),
                      sa.func.coalesce(sa.func.sum(JobRun.failed), 0).label("failed"),
                      sa.func.count(JobRun.error).label("errors"))
            .where(JobRun.started_at >= since).group_by(JobRun.job)
        )}
    views = []
    for spec in job_specs():
        run, bad, count = last.get(spec.name), failed_last.get(spec.name), counts.get(spec.name)
        next_run = max(now, run.started_at + spec.interval) if run and run.started_at else now
        views.append(JobHealthView(
            job=spec.name,
            interval_seconds=int(spec.interval.total_seconds()),
            last_started_at=run.started_at if run else None,
            last_finished_at=run.finished_at if run else None,
            next_run_at=next_run,
            last_run_ok=None if run is None or run.finished_at is None else run.error is None,
            last_error=bad.error if bad else None,
            last_error_at=bad.started_at if bad else None,
            recent_runs=count.runs if count else 0,
            recent_processed=int(count.processed) if count else 0,
            recent_failed=int(count.failed) if count else 0,
            recent_errors=count.errors if count else 0,
        ))
    return views
