"""Background jobs on APScheduler 3: the schedule, run records, and the two ways to run it.

Each job is a plain service function (`services.order_recovery`, `services.usage`, ...) that claims
its rows, so any number of schedulers can run against one database. Every run is recorded in
`job_runs`; an exception ends that run (recorded with its error), never the scheduler. A job staff
paused (`services.jobs.control`) is skipped at each of its turns until resumed. Runs are
coalesced, never overlap, and a run missed by more than `JOB_MISFIRE_GRACE_SECONDS` (a laptop
asleep) is skipped rather than replayed.

- `esim jobs` runs `run_forever()` in its own process (production: one or more of them), beside a
  fulfilment worker that every such process runs, leader or not (`services.orders.fulfilment_worker`);
- the web app enters `web_lifespan()`, which runs the same schedule inline when SCHEDULER=inline.
However many schedulers run, only the elected one starts runs (`services.jobs.leader`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from providers.registry import ProviderRegistry
from services.accounts import sessions
from services.catalog import sync as catalog_sync
from services.core import cache_sync, db, logs
from services.core.cache import forget_local
from services.core.settings import Settings, get_settings
from services.enterprise import provisioning as bulk_provisioning
from services.enterprise import quote_pricing, usage_summary
from services.jobs.control import is_paused
from services.jobs.leader import Leadership
from services.jobs.retention import purge_provider_calls, purge_webhook_events
from services.jobs.runs import JobResult, finish_run, start_run
from services.notifications import sender
from services.orders import recovery as order_recovery
from services.orders.fulfilment_worker import FulfilmentWorker
from services.orders import usage

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 30.0
FIRST_RUN_DELAY = dt.timedelta(seconds=5)  # let the process finish starting first
QUOTE_EXPIRY_INTERVAL = dt.timedelta(minutes=15)
USAGE_SUMMARY_INTERVAL = dt.timedelta(hours=1)

JobFunction = Callable[[ProviderRegistry], Awaitable[JobResult]]


@dataclass(frozen=True, slots=True)
class JobSpec:
    name: str  # also the `job_runs.job` value
    interval: dt.timedelta
    run: JobFunction
    run_at_start: bool = True
    records_itself: bool = False  # the catalogue sync writes its own job_runs row


async def _pending_orders(registry: ProviderRegistry) -> JobResult:
    result = await order_recovery.check_pending_orders(registry=registry)
    await asyncio.to_thread(bulk_provisioning.sweep)  # close bulk orders whose eSIMs the jobs finished
    return result


async def _failed_orders(registry: ProviderRegistry) -> JobResult:
    return await order_recovery.retry_failed_orders(registry=registry)


def _usage(interval: dt.timedelta) -> JobFunction:
    async def run(registry: ProviderRegistry) -> JobResult:
        return await usage.sync_usage(registry=registry, stale_after=interval / 2)

    return run


async def _catalogue(registry: ProviderRegistry) -> JobResult:
    # imported here: the catalogue sync imports the jobs package, and the admin domain the catalogue
    from services.admin import provider_checks

    report = await catalog_sync.sync_packages(registry)
    try:
        await provider_checks.check_balances(registry)  # low-balance alerts, once per crossing
    except Exception:
        log.exception("balance check after the catalogue sync failed")
    return JobResult(report.processed, report.failed)


async def _outbox(registry: ProviderRegistry) -> JobResult:
    report = await asyncio.to_thread(sender.send_due_emails, limit=200)
    return JobResult(report.sent, report.failed)


async def _cleanup(registry: ProviderRegistry) -> JobResult:
    settings = get_settings()
    retention = dt.timedelta(days=settings.webhook_retention_days)
    calls_retention = dt.timedelta(days=settings.provider_call_retention_days)
    purged = await asyncio.to_thread(sessions.purge_expired)
    purged += await asyncio.to_thread(purge_webhook_events, older_than=retention)
    return JobResult(purged + await asyncio.to_thread(purge_provider_calls, older_than=calls_retention))


async def _analytics(registry: ProviderRegistry) -> JobResult:
    # imported here, as in `_catalogue`: the admin domain imports the catalogue, which imports this package
    from services.admin import analytics

    return JobResult(await asyncio.to_thread(analytics.refresh_rollups))


async def _expire_quotes(registry: ProviderRegistry) -> JobResult:
    return JobResult(await asyncio.to_thread(quote_pricing.expire_quotes))


async def _usage_summaries(registry: ProviderRegistry) -> JobResult:
    return JobResult(await asyncio.to_thread(usage_summary.send_usage_summaries))


def job_specs(settings: Settings | None = None) -> tuple[JobSpec, ...]:
    """Every job with its interval from settings."""
    s = settings or get_settings()
    usage_every = dt.timedelta(minutes=s.job_usage_minutes)
    return (
        JobSpec("pending_orders", dt.timedelta(minutes=s.job_pending_orders_minutes), _pending_orders),
        JobSpec("failed_orders", dt.timedelta(minutes=s.job_failed_orders_minutes), _failed_orders),
        JobSpec("usage_sync", usage_every, _usage(usage_every)),
        JobSpec("catalog_sync", dt.timedelta(hours=s.job_catalog_hours), _catalogue, run_at_start=False,
                records_itself=True),
        JobSpec("email_outbox", dt.timedelta(seconds=s.job_outbox_seconds), _outbox),
        JobSpec("cleanup", dt.timedelta(hours=s.job_cleanup_hours), _cleanup, run_at_start=False),
        JobSpec("expire_quotes", QUOTE_EXPIRY_INTERVAL, _expire_quotes),  # reads already show them expired
        # hourly, but each company's summary goes once a UTC day (the first run of the day sends it)
        JobSpec("usage_summaries", USAGE_SUMMARY_INTERVAL, _usage_summaries, run_at_start=False),
        # the dashboard's daily rollups: each run rebuilds the days orders and refunds changed since the last
        JobSpec("analytics_rollups", dt.timedelta(minutes=s.job_analytics_minutes), _analytics),
    )


async def run_job(spec: JobSpec, registry: ProviderRegistry) -> JobResult | None:
    """One recorded run; returns None when the job raised (the error is in `job_runs`)."""
    try:
        run_id = None if spec.records_itself else await asyncio.to_thread(start_run, spec.name)
    except Exception:
        log.exception("job %s: cannot record its run; skipped", spec.name)
        return None
    try:
        result = await spec.run(registry)
    except Exception as exc:
        log.exception("job %s failed", spec.name)
        if run_id is not None:
            await _finish_quietly(run_id, JobResult(), f"{type(exc).__name__}: {exc}")
        return None
    if run_id is not None:
        await _finish_quietly(run_id, result, None)
    if result.processed or result.failed:
        log.info("job %s: %d processed, %d failed", spec.name, result.processed, result.failed)
    return result


async def _finish_quietly(run_id: int, result: JobResult, error: str | None) -> None:
    try:
        await asyncio.to_thread(finish_run, run_id, result, error=error)
    except Exception:
        log.exception("job run %s: cannot record its end", run_id)


async def _paused(job: str) -> bool:
    """Whether staff paused `job` (read at every run, so a pause reaches every scheduler process)."""
    try:
        paused = await asyncio.to_thread(is_paused, job)
    except Exception:
        log.exception("job %s: cannot read whether it is paused; running it", job)
        return False
    if paused:
        log.info("job %s is paused; skipped", job)
    return paused


class JobScheduler:
    """An AsyncIOScheduler running `specs`; `stop()` waits for running jobs, then cancels stragglers.

    With `elect`, runs start only while this process holds the scheduler leadership.
    """

    def __init__(self, specs: Iterable[JobSpec], *, registry: Callable[[], ProviderRegistry],
                 misfire_grace_seconds: int, first_run_delay: dt.timedelta = FIRST_RUN_DELAY,
                 elect: bool = True) -> None:
        self.specs = tuple(specs)
        self._elect = elect
        self.leadership: Leadership | None = None
        self._first_run_delay = first_run_delay
        self._registry = registry
        self._running: set[asyncio.Task] = set()
        self._scheduler = AsyncIOScheduler(timezone=dt.UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": misfire_grace_seconds})

    def start(self) -> None:
        """Start on the running event loop (and, with `elect`, start seeking the leadership)."""
        if self._elect:
            self.leadership = Leadership(db.database_url()).start()
        now = dt.datetime.now(dt.UTC)
        for spec in self.specs:
            first = now + (self._first_run_delay if spec.run_at_start else spec.interval)
            self._scheduler.add_job(self._run, "interval", seconds=spec.interval.total_seconds(), id=spec.name,
                                    name=spec.name, args=[spec], next_run_time=first)
        self._scheduler.start()
        log.info("scheduler started: %s", ", ".join(s.name for s in self.specs))

    async def _run(self, spec: JobSpec) -> None:
        if self.leadership is not None and not self.leadership.held:
            return  # another process leads: it starts the runs
        task = asyncio.current_task()
        self._running.add(task)  # type: ignore[arg-type]
        try:
            if await _paused(spec.name):
                return
            await run_job(spec, self._registry())
        finally:
            self._running.discard(task)  # type: ignore[arg-type]

    async def stop(self, timeout: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """No new runs; running ones get `timeout` seconds to finish (claims keep a cut run safe)."""
        if not self._scheduler.running:
            return
        self._scheduler.pause()  # shutdown() would cancel running coroutine jobs at once
        running = set(self._running)
        if running:
            _, late = await asyncio.wait(running, timeout=timeout)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._scheduler.shutdown(wait=False)
        if self.leadership is not None:
            await asyncio.to_thread(self.leadership.stop)
        log.info("scheduler stopped")


def build_scheduler(settings: Settings | None = None, *, registry: Callable[[], ProviderRegistry] | None = None,
                    only: Iterable[str] | None = None, first_run_delay: dt.timedelta = FIRST_RUN_DELAY) -> JobScheduler:
    """A scheduler over `job_specs` (or the jobs named in `only`)."""
    from services.core.provider_runtime import get_registry

    s = settings or get_settings()
    wanted = set(only) if only is not None else None
    specs = [spec for spec in job_specs(s) if wanted is None or spec.name in wanted]
    return JobScheduler(specs, registry=registry or get_registry, misfire_grace_seconds=s.job_misfire_grace_seconds,
                        first_run_delay=first_run_delay)


@contextlib.asynccontextmanager
async def web_lifespan() -> AsyncIterator[None]:
    """The web app's lifespan: logging configured, the catalogue cache kept coherent with the other
    processes, the jobs inline when SCHEDULER=inline, pool closed at exit."""
    settings = get_settings()
    logs.configure(settings.log_level)
    listener = cache_sync.CacheListener(db.database_url(), forget_local).start()
    scheduler = build_scheduler(settings) if settings.scheduler == "inline" else None
    if scheduler is not None:
        scheduler.start()
    try:
        yield
    finally:
        if scheduler is not None:
            await scheduler.stop()
        await asyncio.to_thread(listener.stop)
        db.reset_engine()


async def run_forever(scheduler: JobScheduler | None = None) -> None:
    """Run the schedule and this process's fulfilment worker until SIGINT or SIGTERM, then stop
    gracefully (`esim jobs`). Settings changes reach the worker's cache as in the web workers."""
    from services.core.provider_runtime import get_registry

    scheduler = scheduler or build_scheduler()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    listener = cache_sync.CacheListener(db.database_url(), forget_local).start()
    scheduler.start()
    worker = asyncio.create_task(FulfilmentWorker(get_registry).run(stop, grace=SHUTDOWN_GRACE_SECONDS))
    try:
        await stop.wait()
    finally:
        stop.set()
        await worker
        await scheduler.stop()
        await asyncio.to_thread(listener.stop)
