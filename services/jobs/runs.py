"""The `job_runs` record: one row per job run (job, start, end, processed, failed, error, host)."""

from __future__ import annotations

import datetime as dt
import socket
from dataclasses import dataclass

from services.core import db
from services.core.models import JobRun

MAX_ERROR_CHARS = 1000


@dataclass(frozen=True, slots=True)
class JobResult:
    """What one run did: rows handled, and rows that failed (the run itself still finished)."""

    processed: int = 0
    failed: int = 0

    def __add__(self, other: JobResult) -> JobResult:
        return JobResult(self.processed + other.processed, self.failed + other.failed)


def start_run(job: str) -> int:
    with db.session() as s:
        run = JobRun(job=job, started_at=dt.datetime.now(dt.UTC), host=socket.gethostname()[:120])
        s.add(run)
        s.commit()
        return int(run.id)  # type: ignore[arg-type]


def finish_run(run_id: int, result: JobResult, *, error: str | None = None) -> None:
    with db.session() as s, s.begin():
        run = s.get(JobRun, run_id)
        if run is not None:
            run.finished_at = dt.datetime.now(dt.UTC)
            run.processed, run.failed = result.processed, result.failed
            run.error = error[:MAX_ERROR_CHARS] if error else None
