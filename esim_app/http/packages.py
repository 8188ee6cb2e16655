"""`GET /api/v1/packages?destination=JP`: storefront offers with customer prices, as JSON.

`destination` is an ISO alpha-2 country code, a region slug (europe, asia, ...) or "global".
Optional: `sort` (price | data | days) and, for countries, `include=multi` to add the regional
and global plans covering it. Never returns cost or provider identity (the views carry neither).
"""

from __future__ import annotations

import dataclasses

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from services import catalog
from services.catalog.normalize import GLOBAL, REGION_NAMES
from services.core.destinations import get_destination

CACHE_CONTROL = "public, max-age=60"


def _error(code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=400, headers={"Cache-Control": "no-store"})


async def packages_endpoint(request: Request) -> JSONResponse:
    raw = request.query_params.get("destination", "").strip()
    sort = request.query_params.get("sort", "price")
    if not raw:
        return _error("missing_destination", "Add ?destination= with a country code such as JP, a region or global.")
    key = raw.lower()
    try:
        if key == GLOBAL:
            destination = {"code": GLOBAL, "name": "Global", "kind": "global"}
            offers = await run_in_threadpool(catalog.list_global_offers, sort=sort)
        elif key in REGION_NAMES:
            destination = {"code": key, "name": REGION_NAMES[key], "kind": "regional"}
            offers = await run_in_threadpool(catalog.list_region_offers, key, sort=sort)
        else:
            multi = request.query_params.get("include", "") == "multi"
            offers = await run_in_threadpool(catalog.list_country_offers, raw, sort=sort, include_multi_country=multi)
            country = get_destination(raw)
            destination = {"code": country.code, "name": country.name, "kind": "local"}  # type: ignore[union-attr]
    except (catalog.UnknownDestination, catalog.InvalidSort) as exc:
        return _error(exc.code, str(exc))
    return JSONResponse(
        {"destination": destination, "offers": [dataclasses.asdict(o) for o in offers]},
        headers={"Cache-Control": CACHE_CONTROL},
    )
