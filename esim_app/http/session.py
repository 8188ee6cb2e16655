"""The session cookie, set and cleared only here: HttpOnly, so no script on a page can read it.

Signing in ends with the page sending the browser to `/api/session/start?ticket=…&next=…`; the
route trades the one-time ticket for the session token, sets the cookie and redirects to `next`.
`/api/session/end` revokes the session and clears the cookie. The websocket handshake carries
the cookie, and `token_from_cookies` reads it back for every event (`AuthState._current`).
In production the cookie is `__Host-esim_session` (Secure, whole site, this host only).
Navigations from another site are refused, so a stranger cannot sign a visitor into the
stranger's account or sign them out.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request, cookie_parser
from starlette.responses import RedirectResponse, Response

from esim_app import routes
from services import accounts
from services.core import Settings, get_settings

START = "/api/session/start"
END = "/api/session/end"
_SIGN_IN = routes.LOGIN


def cookie_name(settings: Settings | None = None) -> str:
    """`__Host-esim_session` in production (the browser then insists on Secure, Path=/, no Domain)."""
    return "__Host-esim_session" if (settings or get_settings()).is_production else "esim_session"


def token_from_cookies(cookie_header: str) -> str:
    """The session token in a `Cookie` header; empty when there is none."""
    return cookie_parser(cookie_header or "").get(cookie_name(), "")[:200]


def start_url(ticket: str, next_path: str) -> str:
    return f"{START}?{urlencode({'ticket': ticket, 'next': next_path})}"


def end_url(next_path: str) -> str:
    return f"{END}?{urlencode({'next': next_path})}"


def _from_another_site(request: Request) -> bool:
    """True for a navigation another site started (browsers send `Sec-Fetch-Site`)."""
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


def _target(request: Request, fallback: str) -> str:
    wanted = request.query_params.get("next", "")
    return wanted if accounts.is_safe_next(wanted) else fallback


def _redirect(target: str) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.headers["cache-control"] = "no-store"
    return response


async def session_start(request: Request) -> Response:
    """Trade the ticket for the cookie, then go to `next`; a used, late or foreign ticket signs nobody in."""
    if _from_another_site(request):
        return _redirect(_SIGN_IN)
    started = await accounts.start_session(request.query_params.get("ticket", ""))
    if started is None:
        return _redirect(_SIGN_IN)
    settings = get_settings()
    response = _redirect(_target(request, "/"))
    response.set_cookie(cookie_name(settings), started.token, max_age=started.cookie_max_age, path="/",
                        secure=settings.is_production, httponly=True, samesite="lax")
    return response


async def session_end(request: Request) -> Response:
    """Revoke the session and clear the cookie, then go to `next` (a sign-in page)."""
    response = _redirect(_target(request, _SIGN_IN))
    if _from_another_site(request):
        return response
    settings = get_settings()
    token = request.cookies.get(cookie_name(settings), "")
    if token:
        await accounts.revoke_session(token, ip=request.client.host if request.client else None)
    response.delete_cookie(cookie_name(settings), path="/", secure=settings.is_production, httponly=True,
                           samesite="lax")
    return response
