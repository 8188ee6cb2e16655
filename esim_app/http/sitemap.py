"""`GET /sitemap.xml`: the public pages, including every destination with plans on sale, each with
its `hreflang` alternates (`?lang=` for every language, the negotiated page as `x-default`).

URLs start with `PUBLIC_URL` (see `origin.public_origin`), never with the request's Host header,
which any client can set: a cached sitemap must not point search engines at someone else's site.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response

from esim_app import routes
from esim_app.http.origin import alternates, public_origin
from services import catalog

XHTML = "http://www.w3.org/1999/xhtml"


def _entry(base: str, path: str) -> str:
    links = "".join(f'<xhtml:link rel="alternate" hreflang="{a.hreflang}" href="{escape(a.href)}"/>'
                    for a in alternates(path))
    return f"<url><loc>{escape(base + path)}</loc>{links}</url>"


async def sitemap(_: Request) -> Response:
    base = public_origin()
    view = await catalog.get_sitemap()
    paths = [routes.HOME, routes.GLOBAL, routes.DEVICES, *map(routes.region, view.region_slugs),
             *map(routes.destination, view.destination_slugs)]
    urls = "".join(_entry(base, path) for path in paths)
    body = (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:xhtml="{XHTML}">{urls}</urlset>')
    return Response(body, media_type="application/xml", headers={"Cache-Control": "public, max-age=3600"})
