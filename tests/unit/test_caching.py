"""Cache lifetimes: hashed build assets are kept a year, everything else is revalidated."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from esim_app.http.caching import ImmutableAssets


async def _file(request: Request) -> Response:
    if request.path_params["name"] == "missing.js":
        return PlainTextResponse("not found", status_code=404)
    return PlainTextResponse("ok", headers={"Cache-Control": "no-cache"})


_client = TestClient(ImmutableAssets(Starlette(routes=[Route("/{path:path}/{name}", _file),
                                                       Route("/{name}", _file)])))


def test_hashed_assets_are_immutable_for_a_year() -> None:
    response = _client.get("/assets/index-CX-O8Hue.js")
    assert response.headers.get_list("cache-control") == ["public, max-age=31536000, immutable"]


def test_pages_unhashed_files_and_errors_keep_their_own_lifetime() -> None:
    assert _client.get("/destinations/japan").headers["cache-control"] == "no-cache"
    assert _client.get("/favicon.ico").headers["cache-control"] == "no-cache"
    assert "cache-control" not in _client.get("/assets/missing.js").headers  # a 404 is not kept
