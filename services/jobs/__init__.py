"""Background jobs: the schedule, run records and health; the public face for the UI.

Jobs themselves run from `services.jobs.scheduler` (`esim jobs`, or inline in the web process
through `web_lifespan`); the UI only reads health here.
"""

from __future__ import annotations

import asyncio

from services.jobs import health
from services.jobs.health import JobHealthView
from services.jobs.scheduler import web_lifespan


async def database_ok() -> bool:
    """Whether the database answers, for `/api/health`."""
    return await asyncio.to_thread(health.database_ok)


async def job_overview() -> list[JobHealthView]:
    """One health row per scheduled job, for the admin dashboard."""
    return await asyncio.to_thread(health.job_overview)


__all__ = ["JobHealthView", "database_ok", "job_overview", "web_lifespan"]
