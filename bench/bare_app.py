"""The storefront's queries behind bare Starlette JSON endpoints: bench/load.py's yardstick.

Each endpoint awaits the same service calls as the Reflex page load or event it stands for
(display settings on every page load, then the page's own read) and answers JSON holding what the
page's state holds (formatted prices, plan cards); no state, no websocket, no Redis. bench/load.py serves it with Granian, as the app is.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services import catalog, store
from services.core import format_data_size, format_money


def _json(*parts: Any) -> Response:
    return Response(json.dumps(parts), media_type="application/json")


def _settings(s: store.DisplaySettingsView) -> dict[str, Any]:
    return {"currencies": list(s.currencies), "refund_days": s.refund_window_days, "notice": s.notice}


def _card(o: catalog.OfferView) -> dict[str, Any]:
    return {"slug": o.slug, "name": o.name, "data": format_data_size(o.data_mb, unlimited=o.unlimited),
            "validity": f"{o.validity_days} days", "price": format_money(o.price_cents, o.currency),
            "is_best_price": o.is_best_price}


async def landing(_request: Request) -> Response:
    settings, view = await store.get_display_settings(), await catalog.get_landing()
    return _json(_settings(settings), {d.code: format_money(d.min_price_cents, d.currency) for d in view.destinations})


async def search(request: Request) -> Response:
    found = await catalog.search(request.query_params.get("q", ""))
    return _json([{"name": d.name, "flag": d.flag, "href": f"/destinations/{d.slug}"} for d in found])


async def destination(request: Request) -> Response:
    filters = catalog.PlanFilters(data=request.query_params.get("data", "any"))
    settings = None if "data" in request.query_params else _settings(await store.get_display_settings())
    view = await catalog.list_country_plans(request.path_params["slug"], filters)
    return _json(settings, {"title": view.name, "offers": [_card(o) for o in view.offers]})


async def plan(request: Request) -> Response:
    settings = _settings(await store.get_display_settings())
    detail = await catalog.get_plan(request.path_params["ref"])
    return _json(settings, None if detail is None else {"plan": _card(detail.offer), "operator": detail.operator,
                                                         "coverage": [c.name for c in detail.coverage]})


app = Starlette(routes=[
    Route("/", landing),
    Route("/search", search),
    Route("/destinations/{slug}", destination),
    Route("/plans/{ref}", plan),
])
