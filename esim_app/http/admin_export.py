"""`GET /api/admin/customers/{user_ref}/export`: one customer's data as a JSON download, for staff.

Authenticated by the staff session cookie (resolved against the database like every event) and
authorised by the admin service itself (support and owners). Navigations started by another site
are refused, so a stranger's page cannot make a staff browser export (and audit) anything.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from esim_app.http.session import token_from_cookies
from services import accounts, admin
from services.core import ServiceError


def _refused(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers={"cache-control": "no-store"})


async def customer_export(request: Request) -> Response:
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return _refused(403, "cross-site request")
    token = token_from_cookies(request.headers.get("cookie", ""))
    identity = await accounts.resolve_session(token) if token else None
    if identity is None or identity.role != "admin":
        return _refused(401, "sign in as staff")
    ref = request.path_params["user_ref"][:32]
    try:
        document = await admin.export_customer(identity, user_ref=ref)
    except admin.NotPermitted:
        return _refused(403, "your staff role does not allow exports")
    except admin.CustomerNotFound:
        return _refused(404, "no such customer")
    except ServiceError:
        return _refused(400, "export failed")
    body = json.dumps(document, default=str, indent=2)
    return Response(body, media_type="application/json", headers={
        "content-disposition": f'attachment; filename="customer-{ref.upper()}.json"', "cache-control": "no-store"})
