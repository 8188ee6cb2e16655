"""CSV downloads of the enterprise portal: `/api/exports/{kind}.csv` (esims, allocations, usage, orders).

Authenticated by the session cookie exactly as pages are (`services.accounts.resolve_session`);
the company and the role come from that session only. The body is streamed from the service's
generator (a server-side cursor underneath), so memory stays flat for any number of rows.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from esim_app.errors import message_for
from esim_app.http.session import token_from_cookies
from services import accounts, enterprise
from services.core import ServiceError

PATH = "/api/exports/{kind}.csv"
NO_STORE = {"cache-control": "no-store", "x-content-type-options": "nosniff"}


def _refuse(text: str, status: int) -> Response:
    return PlainTextResponse(text, status_code=status, headers=NO_STORE)


async def export_csv(request: Request) -> Response:
    """Stream one export of the caller's company; 401 without a business session, 403 for a role
    without exports (viewers), 404 for an unknown kind."""
    identity = await accounts.resolve_session(token_from_cookies(request.headers.get("cookie", "")))
    if identity is None or identity.role != "enterprise":
        return _refuse("Sign in to the business portal to download exports.", 401)
    try:
        export = await enterprise.open_export(identity, str(request.path_params.get("kind", ""))[:32],
                                              ip=request.client.host if request.client else None)
    except ServiceError as exc:
        return _refuse(message_for(exc), 404 if exc.code == "enterprise_unknown_export" else 403)
    return StreamingResponse(export.chunks, media_type="text/csv; charset=utf-8", headers={
        **NO_STORE, "content-disposition": f'attachment; filename="{export.filename}"'})
