"""Cache lifetimes of the built front end: hashed assets for a year, never revalidated.

Vite names every file under `/assets/` after a hash of its content (`index-CX-O8Hue.js`), so a
changed file gets a new URL and an old URL never changes meaning: browsers and CDNs may keep it a
year without asking again. Pages and unhashed files (`/favicon.ico`, the pages' HTML) keep
Starlette's validators (ETag, Last-Modified) and are revalidated.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HASHED_PREFIX = "/assets/"
IMMUTABLE = b"public, max-age=31536000, immutable"


class ImmutableAssets:
    """ASGI middleware: a one-year immutable `Cache-Control` on successful `/assets/` responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(HASHED_PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_with_lifetime(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                kept = [(k, v) for k, v in message.get("headers") or [] if k.lower() != b"cache-control"]
                message = {**message, "headers": [*kept, (b"cache-control", IMMUTABLE)]}
            await send(message)

        await self.app(scope, receive, send_with_lifetime)
