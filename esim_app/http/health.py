"""`GET /api/health`: liveness plus the database's state, for load balancers and monitoring."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from services import jobs


async def health(_: Request) -> JSONResponse:
    database_ok = await jobs.database_ok()
    return JSONResponse(
        {"status": "ok" if database_ok else "degraded", "database": "ok" if database_ok else "unavailable"},
        status_code=200 if database_ok else 503,
        headers={"Cache-Control": "no-store"},
    )
