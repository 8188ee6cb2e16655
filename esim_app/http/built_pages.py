"""Built pages answer at their own address: `/login` is the page, not a redirect to `/login/`.

React Router prerenders `/login` as `login/index.html`, and Starlette's static files answer `/login`
with a 307 to `/login/`: a visitor arriving from a link, a bookmark or a search engine waits one more
round trip before the page starts (Lighthouse: "Avoid multiple page redirects"). When the build has
that page, the request's path gets its slash before the static files see it.
"""

from __future__ import annotations

import pathlib

from starlette.types import ASGIApp, Receive, Scope, Send

from esim_app.http.headers import default_build_dir


class BuiltPageAddresses:
    """ASGI middleware: `GET /x` is served as `GET /x/` when the build has `x/index.html`."""

    def __init__(self, app: ASGIApp, *, build_dir: pathlib.Path | None = None) -> None:
        self.app, self.build_dir = app, build_dir

    def _built(self, path: str) -> bool:
        root = (self.build_dir or default_build_dir()).resolve()
        page = (root / path.strip("/") / "index.html").resolve()
        return page.is_relative_to(root) and page.is_file()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and path != "/"
                and not path.endswith("/") and "." not in path.rsplit("/", 1)[-1] and self._built(path)):
            scope = {**scope, "path": path + "/", "raw_path": scope.get("raw_path", path.encode()) + b"/"}
        await self.app(scope, receive, send)
