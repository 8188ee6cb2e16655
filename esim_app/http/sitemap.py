"""`GET /sitemap.xml`: the public pages, including every destination with plans on sale.

URLs start with `PUBLIC_URL` (see `origin.public_origin`), never with the request's Host header,
which any client can set: a cached sitemap must not point search engines at someone else's site.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response

from esim_app import routes
from esim_app.http.origin import public_origin
from services import catalog


async def sitemap(_: Request) -> Response:
    base = public_origin()
    view = await catalog.get_sitemap()
    paths = [routes.HOME, routes.GLOBAL, routes.DEVICES, *map(routes.region, view.region_slugs),
             *map(routes.destination, view.destination_slugs)]
    urls = "".join(f"<url><loc>{escape(base + path)}</loc></url>" for path in paths)
    body = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    return Response(body, media_type="application/xml", headers={"Cache-Control": "public, max-age=3600"})
