"""Background jobs in the dashboard (owners and operations): health, 24-hour history, pause/resume, run now.

Health comes from `services.jobs.health` (the `job_runs` record, right whichever process runs
the scheduler). A pause is stored (`services.jobs.control`) and every scheduler skips the job at
its turns until it is resumed. "Run now" starts one recorded run in this process at once, paused
or not (an explicit request); jobs claim their rows, so it is safe beside a scheduled run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from services.accounts.sessions import Identity
from services.accounts.staff_access import active_staff, record
from services.admin.errors import UnknownJob
from services.core import db
from services.core.models import JobRun, Setting, StaffRole
from services.core.provider_runtime import get_registry
from services.jobs import control, health, scheduler
from services.jobs.health import JobHealthView

log = logging.getLogger(__name__)

ROLES = (StaffRole.OWNER.value, StaffRole.OPERATIONS.value)
HISTORY = dt.timedelta(hours=24)
MAX_HISTORY = 50  # runs listed per job (the outbox runs every few seconds)
_started: set[asyncio.Task] = set()  # "run now" tasks, kept referenced until they finish


@dataclass(frozen=True, slots=True)
class RunView:
    started_at: dt.datetime
    duration_seconds: float | None  # None while running (or when the process died mid-run)
    processed: int
    failed: int
    error: str | None


@dataclass(frozen=True, slots=True)
class JobView:
    health: JobHealthView
    paused: bool
    last_duration_seconds: float | None
    last_processed: int
    last_failed: int
    history: tuple[RunView, ...]  # the last 24 hours, newest first


def _run_view(run: JobRun) -> RunView:
    duration = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else None
    return RunView(run.started_at, duration, run.processed, run.failed, run.error)  # type: ignore[arg-type]


def _history(now: dt.datetime) -> dict[str, list[RunView]]:
    ranked = (select(JobRun, sa.func.row_number().over(partition_by=JobRun.job, order_by=(
        col(JobRun.started_at).desc(), col(JobRun.id).desc())).label("n"))
        .where(col(JobRun.started_at) >= now - HISTORY).subquery())
    runs = aliased(JobRun, ranked)
    out: dict[str, list[RunView]] = {}
    with db.session() as s:
        for run in s.exec(select(runs).where(ranked.c.n <= MAX_HISTORY)
                          .order_by(runs.job, col(runs.started_at).desc(), col(runs.id).desc())).all():
            out.setdefault(run.job, []).append(_run_view(run))
    return out


def list_jobs(identity: Identity, *, now: dt.datetime | None = None) -> list[JobView]:
    """Every scheduled job: health, whether paused, the last run's figures and the 24-hour history."""
    now = now or dt.datetime.now(dt.UTC)
    with db.session() as s:
        active_staff(s, identity, ROLES)
        paused = control.paused_jobs(s)
    history = _history(now)
    views = []
    for job in health.job_overview(now=now, window=HISTORY):
        runs = history.get(job.job, [])
        last = runs[0] if runs else None
        views.append(JobView(job, job.job in paused, last.duration_seconds if last else None,
                             last.processed if last else 0, last.failed if last else 0, tuple(runs)))
    return views


def _spec(job: str) -> scheduler.JobSpec:
    for spec in scheduler.job_specs():
        if spec.name == job:
            return spec
    raise UnknownJob(f"no job {job!r}")


def set_paused(identity: Identity, job: str, paused: bool, *, ip: str | None) -> bool:
    """Pause or resume `job` for every scheduler; audited with the paused set before and after."""
    _spec(job)
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, ROLES)
        s.exec(select(Setting.key).where(col(Setting.key) == control.PAUSED).with_for_update()).first()
        before = control.paused_jobs(s)
        after = before | {job} if paused else before - {job}
        if after != before:
            control.store_paused(s, after, admin_id=actor.id)
            record(s, actor.id, "job.paused" if paused else "job.resumed", entity="job", entity_id=job, ip=ip,
                   before={"paused": sorted(before)}, after={"paused": sorted(after)})
    return paused


def authorise_run_now(identity: Identity, job: str, *, ip: str | None) -> scheduler.JobSpec:
    """The check and audit row of a "run now"; the caller then starts it."""
    spec = _spec(job)
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, ROLES)
        record(s, actor.id, "job.run_now", entity="job", entity_id=job, ip=ip, before=None, after=None)
    return spec


def start_run(spec: scheduler.JobSpec) -> None:
    """Start one recorded run of `spec` on the running loop, without waiting for it."""
    task = asyncio.get_running_loop().create_task(scheduler.run_job(spec, get_registry()), name=f"run-now:{spec.name}")
    _started.add(task)
    task.add_done_callback(_started.discard)
