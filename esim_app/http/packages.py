"""`GET /api/v1/packages?destination=JP`: storefront offers with customer prices, as JSON.

`destination` is an ISO alpha-2 country code, a region slug (europe, asia, ...) or "global".
Optional: `sort` (price | data | days) and, for countries, `include=multi` to add the regional
and global plans covering it. Never returns cost or provider identity (the views carry neither).
A refusal carries a stable `error` code and fixed words from `esim_app.errors`.
"""

from __future__ import annotations

import dataclasses

from starlette.requests import Request
from starlette.responses import JSONResponse

from esim_app.errors import message_for
from services import catalog
from services.core import ServiceError

CACHE_CONTROL = "public, max-age=60"
MISSING_DESTINATION = "Add ?destination= with a country code such as JP, a region or global."


def _error(code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=400, headers={"Cache-Control": "no-store"})


async def packages_endpoint(request: Request) -> JSONResponse:
    destination = request.query_params.get("destination", "").strip()
    if not destination:
        return _error("missing_destination", MISSING_DESTINATION)
    try:
        view = await catalog.list_packages(destination, sort=request.query_params.get("sort", "price"),
                                           include_multi=request.query_params.get("include", "") == "multi")
    except ServiceError as exc:
        return _error(exc.code, message_for(exc))
    return JSONResponse(
        {"destination": {"code": view.code, "name": view.name, "kind": view.kind},
         "offers": [dataclasses.asdict(o) for o in view.offers]},
        headers={"Cache-Control": CACHE_CONTROL},
    )
