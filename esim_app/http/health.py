"""`GET /api/health`: liveness plus the database's state, for load balancers and monitoring."""

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse

from services.core import db


async def health(_: Request) -> JSONResponse:
    database_ok = await asyncio.to_thread(db.ping)
    return JSONResponse(
        {"status": "ok" if database_ok else "degraded", "database": "ok" if database_ok else "unavailable"},
        status_code=200 if database_ok else 503,
        headers={"Cache-Control": "no-store"},
    )
