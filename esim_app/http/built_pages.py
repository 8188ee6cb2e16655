"""Built pages answer at their own address: `/login` is the page, not a redirect to `/login/`.

React Router prerenders `/login` as `login/index.html`, and Starlette's static files answer `/login`
with a 307 to `/login/`: a visitor arriving from a link, a bookmark or a search engine waits one more
round trip before the page starts (Lighthouse: "Avoid multiple page redirects"). When the build has
that page, the request's path gets its slash before the static files see it.

A route whose values are not known when building (`/plans/[plan_ref]`) is prerendered once at
`/plans/_shell` (`esim_app.routes.SHELL`): its layout with the state's defaults, painted before the
JavaScript runs. Every other address of that route is answered with that shell, whose first render
in the browser does not depend on the address, rather than with the empty SPA fallback.
"""

from __future__ import annotations

import pathlib

from starlette.types import ASGIApp, Receive, Scope, Send

from esim_app.http.headers import default_build_dir
from esim_app.routes import SHELL


class BuiltPageAddresses:
    """ASGI middleware: `GET /x` is served as `GET /x/` when the build has `x/index.html`, and `GET /r/v`
    as `GET /r/_shell/` when it has not `r/v/index.html` but has `r/_shell/index.html`."""

    def __init__(self, app: ASGIApp, *, build_dir: pathlib.Path | None = None) -> None:
        self.app, self.build_dir = app, build_dir

    def _built(self, path: str) -> bool:
        root = (self.build_dir or default_build_dir()).resolve()
        page = (root / path.strip("/") / "index.html").resolve()
        return page.is_relative_to(root) and page.is_file()

    def _page(self, path: str) -> str | None:
        """The built page's address that answers `path` (a page's address without its slash), if any."""
        if self._built(path):
            return path + "/"
        route, _, value = path.rpartition("/")
        shell = f"{route}/{SHELL}"
        return shell + "/" if route and value and self._built(shell) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and path != "/"
                and not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]):
            page = self._page(path)
            if page is not None:
                scope = {**scope, "path": page, "raw_path": page.encode()}
        await self.app(scope, receive, send)
