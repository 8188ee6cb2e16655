"""The business API under `/api/v1/business/`: Bearer API keys, JSON, an OpenAPI 3.1 document.

`routes()` gives the Starlette routes mounted by `esim_app.http.api`; the document is served at
`/api/v1/business/openapi.json` and built once, from the same operations the routes are.
"""

from __future__ import annotations

import functools

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from esim_app.http.business_api.endpoints import OPERATIONS
from esim_app.http.business_api.framework import BASE, route
from esim_app.http.business_api.openapi import DOCUMENT_PATH, build_document

API_VERSION = "1.0.0"


@functools.cache
def document() -> dict:
    return build_document(OPERATIONS, version=API_VERSION)


async def openapi_document(request: Request) -> JSONResponse:
    return JSONResponse(document(), headers={"Cache-Control": "public, max-age=300"})


def routes() -> list[BaseRoute]:
    return [Route(BASE + DOCUMENT_PATH, openapi_document, methods=["GET"]), *(route(op) for op in OPERATIONS)]
