"""CSV downloads of the admin home's tables: `/api/exports/admin/{table}.csv?period=30d` (or
`period=custom&start=YYYY-MM-DD&end=YYYY-MM-DD`).

Authenticated by the staff session cookie (the same HttpOnly cookie the pages use, resolved against
the database); the service checks the staff role for the table (money tables: owners and finance).
The body is streamed line by line; cells a spreadsheet would run as formulas are quoted as text.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from esim_app.errors import message_for
from esim_app.http.session import cookie_name
from services import accounts, admin
from services.core import ServiceError

ROUTE = "/api/exports/admin/{table}.csv"
_NO_STORE = {"cache-control": "no-store"}


async def admin_export(request: Request) -> Response:
    token = request.cookies.get(cookie_name(), "")[:200]
    identity = await accounts.resolve_session(token) if token else None
    if identity is None or identity.role != "admin":
        return PlainTextResponse("Sign in as staff to download this.", status_code=401, headers=_NO_STORE)
    query = request.query_params
    try:
        name, lines = await admin.export_home_table(identity, request.path_params["table"],
                                                    period=query.get("period", "30d"), start=query.get("start"),
                                                    end=query.get("end"))
    except admin.NotPermitted as exc:
        return PlainTextResponse(message_for(exc), status_code=403, headers=_NO_STORE)
    except ServiceError as exc:
        return PlainTextResponse(message_for(exc), status_code=400, headers=_NO_STORE)
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8",
                             headers={**_NO_STORE, "content-disposition": f'attachment; filename="{name}"'})
