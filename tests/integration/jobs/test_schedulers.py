"""Two schedulers on one database, run records, a failing job, graceful stop, and the operator view."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time

import sqlalchemy as sa

from services.core import db
from services.core.models import JobRun, Order
from services.core.settings import Settings
from services.jobs.health import job_overview
from services.jobs.runs import JobResult
from services.jobs.scheduler import JobScheduler, JobSpec, build_scheduler
from tests.integration.jobs.conftest import make_registry, offers, paid_order

BACKLOG = {"esim_go": 100, "airalo": 50, "esim_access": 50}


def _unfinished(ids: list[int]) -> int:
    with db.session() as s:
        return s.execute(sa.select(sa.func.count()).select_from(Order).where(
            Order.id.in_(ids), Order.status.in_(("paid", "provisioning")))).scalar()


def _scheduler_process(sandbox, ids: list[int], settings: Settings, name: str) -> None:
    """One scheduler on its own thread and event loop, as a second `esim jobs` process would run."""

    async def main() -> None:
        registry = make_registry(sandbox, timeout=5)
        scheduler = build_scheduler(settings, registry=lambda: registry, only=["pending_orders"],
                                    first_run_delay=dt.timedelta(0))
        scheduler.start()
        deadline = time.monotonic() + 60
        while await asyncio.to_thread(_unfinished, ids) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await scheduler.stop()
        await registry.aclose()

    asyncio.run(main())


def test_two_schedulers_process_a_backlog_of_200_orders_once(sandbox, customer):
    # given 200 paid orders nobody has started, on all three providers
    ids = [paid_order(customer, p) for provider, n in BACKLOG.items() for p in offers(provider, n)]
    with db.session() as s, s.begin():
        s.execute(sa.update(Order).where(Order.id.in_(ids)).values(updated_at=sa.func.now() - sa.text("interval '10 minutes'")))
    started = dt.datetime.now(dt.UTC)
    # when two schedulers run the pending-orders job against the same database
    settings = Settings(esim_env="development", job_pending_orders_minutes=0.01)
    threads = [threading.Thread(target=_scheduler_process, args=(sandbox, ids, settings, n)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    # then every order was bought exactly once and completed with one eSIM
    with db.get_engine().connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT o.status, o.client_reference, count(e.id) AS esims FROM orders o LEFT JOIN esims e "
            "ON e.order_id = o.id WHERE o.id = ANY(:ids) GROUP BY o.id"), {"ids": ids}).all()
    assert len(rows) == 200
    assert {r.status for r in rows} == {"completed"}
    assert all(r.esims == 1 for r in rows)
    bought = [sum(sandbox.orders_received(p, f"{r.client_reference}-{p}") for p in sandbox.apps) for r in rows]
    assert bought == [1] * 200
    # and the recorded runs of both schedulers add up to 200 orders processed
    with db.session() as s:
        runs = s.execute(sa.select(JobRun).where(JobRun.job == "pending_orders", JobRun.started_at >= started)).scalars().all()
    assert sum(r.processed for r in runs) == 200
    assert all(r.error is None and r.finished_at is not None for r in runs)


async def test_a_failing_job_is_recorded_and_the_others_keep_running(registry):
    # given a job that always raises, one that counts, and one still working when the stop comes
    ran: list[str] = []
    failed_twice, ticked_three_times, slow_started = asyncio.Event(), asyncio.Event(), asyncio.Event()
    failures = 0

    async def broken(_registry):
        nonlocal failures
        failures += 1
        if failures >= 2:
            failed_twice.set()
        raise RuntimeError("provider exploded")

    async def counting(_registry):
        ran.append("tick")
        if ran.count("tick") >= 3:
            ticked_three_times.set()
        return JobResult(processed=1)

    async def slow(_registry):
        slow_started.set()
        await asyncio.sleep(0.3)
        ran.append("slow finished")
        return JobResult(processed=1)

    every = dt.timedelta(seconds=0.1)
    scheduler = JobScheduler([JobSpec("test_broken", every, broken), JobSpec("test_counting", every, counting),
                              JobSpec("test_slow", dt.timedelta(seconds=60), slow)],
                             registry=lambda: registry, misfire_grace_seconds=1, first_run_delay=dt.timedelta(0))
    # when it runs until the broken job failed twice, the counter ticked three times and the slow job started
    scheduler.start()
    await asyncio.wait_for(asyncio.gather(failed_twice.wait(), ticked_three_times.wait(), slow_started.wait()),
                           timeout=30)
    await scheduler.stop()
    # then the counting job kept running, the slow one was allowed to finish, and errors are in job_runs
    assert ran.count("tick") >= 3 and "slow finished" in ran
    with db.session() as s:
        errors = s.execute(sa.select(JobRun.error).where(JobRun.job == "test_broken")).scalars().all()
    assert len(errors) >= 2 and all(e == "RuntimeError: provider exploded" for e in errors)


def test_job_overview_shows_last_and_next_runs_errors_and_counts():
    # given runs of the usage job: an old failure, then a success
    now = dt.datetime.now(dt.UTC)
    with db.session() as s, s.begin():
        s.add(JobRun(job="usage_sync", started_at=now - dt.timedelta(hours=2), finished_at=now - dt.timedelta(hours=2),
                     processed=3, failed=2, error="TransientProviderError: server error 500"))
        s.add(JobRun(job="usage_sync", started_at=now - dt.timedelta(minutes=10), finished_at=now, processed=7))
    # when the operator view is read
    views = {v.job: v for v in job_overview(now=now)}
    # then every scheduled job is listed; the usage job shows its last run, next run, last error and counts
    assert set(views) == {"pending_orders", "failed_orders", "usage_sync", "catalog_sync", "email_outbox", "cleanup",
                          "expire_quotes", "usage_summaries", "analytics_rollups"}
    usage = views["usage_sync"]
    assert usage.last_run_ok is True and usage.last_error.startswith("TransientProviderError")
    assert usage.next_run_at == usage.last_started_at + dt.timedelta(minutes=60)
    assert usage.recent_runs >= 2 and usage.recent_processed >= 10 and usage.recent_failed >= 2
    # and a job's counts are exactly its runs in the window
    with db.session() as s:
        cleanup_runs = s.execute(sa.select(sa.func.count()).select_from(JobRun).where(
            JobRun.job == "cleanup", JobRun.started_at >= now - dt.timedelta(hours=24))).scalar()
    assert views["cleanup"].recent_runs == cleanup_runs
