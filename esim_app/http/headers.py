"""Security headers on every response the app serves: built pages, `/_event`, our own routes.

The one place the Content-Security-Policy is written. What the pages need, found by reading the
production build (`.web/build/client/*.html`) and Reflex's `state.js`:

- inline scripts: Reflex's theme script and React Router's bootstrap (route imports, stream
  hydration). They are allowed by their sha256, read from the build the server serves, never by
  `'unsafe-inline'`; a script injected into a page has no matching hash.
- `'unsafe-eval'`: `rx.call_script` reaches the browser as a string that `state.js` runs with
  `eval` (the checkout mounts Stripe's card form that way). Dropping it means replacing those
  calls with client-compiled `rx.call_function`s.
- styles: Emotion inserts `<style>` tags at run time and Radix sets `style` attributes, so
  `style-src` keeps `'unsafe-inline'` (styles cannot run script).
- Stripe.js and its frames from `https://js.stripe.com`, or from localstripe's address when
  `STRIPE_API_BASE` points the app at the emulator; the websocket on the page's own origin.
"""

from __future__ import annotations

import base64
import hashlib
import pathlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from esim_app.http.origin import public_origin
from services.core import Settings, get_settings

STRIPE_SCRIPTS = ("https://js.stripe.com", "https://*.js.stripe.com")
STRIPE_FRAMES = (*STRIPE_SCRIPTS, "https://hooks.stripe.com")
STRIPE_API = ("https://api.stripe.com",)
HSTS = "max-age=63072000; includeSubDomains"
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def inline_script_hashes(build_dir: pathlib.Path) -> tuple[str, ...]:
    """CSP sources (`'sha256-…'`) for every inline `<script>` in the built pages, sorted; none without a build."""
    hashes: set[str] = set()
    for page in sorted(build_dir.rglob("*.html")) if build_dir.is_dir() else ():
        for attributes, body in _INLINE_SCRIPT.findall(page.read_text(errors="replace")):
            if re.search(r"\bsrc\s*=", attributes) or not body:
                continue
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    return tuple(sorted(hashes))


def default_build_dir() -> pathlib.Path:
    """Where `reflex run --env prod` serves the built pages from (`.web/build/client`)."""
    from reflex.utils import prerequisites
    from reflex_base import constants

    return (prerequisites.get_web_dir() / constants.Dirs.STATIC).resolve()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _websocket_origin(origin: str) -> str:
    return "wss://" + origin.removeprefix("https://") if origin.startswith("https://") else \
        "ws://" + origin.removeprefix("http://")


def content_security_policy(settings: Settings, script_hashes: Iterable[str] = ()) -> str:
    """The policy for `settings`: Stripe from its configured base, the websocket on our own origin."""
    stripe_base = settings.stripe_api_base.strip()
    if stripe_base:  # localstripe serves its stand-in Stripe.js and API from one address
        scripts = frames = api = (_origin(stripe_base),)
    else:
        scripts, frames, api = STRIPE_SCRIPTS, STRIPE_FRAMES, STRIPE_API
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes, "'unsafe-eval'", *scripts],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", _websocket_origin(public_origin(settings)), *api],
        "frame-src": list(frames),
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(dict.fromkeys(sources))}" for name, sources in directives.items())


def security_headers(settings: Settings, script_hashes: Iterable[str] = ()) -> list[tuple[bytes, bytes]]:
    """Every header this module adds, as ASGI (name, value) pairs; HSTS only in production."""
    headers = {
        "content-security-policy": content_security_policy(settings, script_hashes),
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "x-frame-options": "DENY",
    }
    if settings.is_production:
        headers["strict-transport-security"] = HSTS
    return [(name.encode(), value.encode()) for name, value in headers.items()]


class SecurityHeaders:
    """ASGI middleware: adds `security_headers` to every HTTP response and websocket handshake.

    The header list is built on the first request (the build exists by then) and kept; our values
    replace any the wrapped app set under the same names.
    """

    def __init__(self, app: ASGIApp, *, build_dir: pathlib.Path | None = None) -> None:
        self.app, self.build_dir = app, build_dir
        self._headers: list[tuple[bytes, bytes]] | None = None

    def headers(self) -> list[tuple[bytes, bytes]]:
        if self._headers is None:
            hashes = inline_script_hashes(self.build_dir or default_build_dir())
            self._headers = security_headers(get_settings(), hashes)
        return self._headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        ours = self.headers()
        names = {name for name, _ in ours}

        async def send_with_headers(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                kept = [(k, v) for k, v in message.get("headers") or [] if k.lower() not in names]
                message = {**message, "headers": [*kept, *ours]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
