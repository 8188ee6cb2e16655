"""`GET /sitemap.xml`: the public pages, including every destination with plans on sale."""

from __future__ import annotations

from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response

from esim_app import routes
from services import catalog
from services.core import get_settings


async def sitemap(request: Request) -> Response:
    base = (get_settings().public_url or str(request.base_url)).rstrip("/")
    view = await catalog.get_sitemap()
    paths = [routes.HOME, routes.GLOBAL, *map(routes.region, view.region_slugs),
             *map(routes.destination, view.destination_slugs)]
    urls = "".join(f"<url><loc>{escape(base + path)}</loc></url>" for path in paths)
    body = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    return Response(body, media_type="application/xml", headers={"Cache-Control": "public, max-age=3600"})
