"""`GET /api/receipts/{order_ref}.pdf`: the PDF receipt of a paid order, a customer's or a company's.

Authenticated by the session cookie exactly as pages are; whose orders are searched is the
session's, never a value the browser sends. A customer gets their own orders' receipts; a company
user with the finance or admin role gets their company's bulk orders' receipts (another role is
403). Anyone else's order reference is 404, the same as one that does not exist (nothing tells them
it exists).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from esim_app.errors import message_for
from esim_app.http.session import token_from_cookies
from services import accounts, enterprise, orders
from services.core import ServiceError

PATH = "/api/receipts/{order_ref}.pdf"
NO_STORE = {"cache-control": "no-store", "x-content-type-options": "nosniff"}
MAX_REF_LENGTH = 32


def receipt_url(order_ref: str) -> str:
    return f"/api/receipts/{order_ref}.pdf"


async def receipt_pdf(request: Request) -> Response:
    """The PDF, as a download; 401 without a customer or company session, 403 for a company role that
    does not keep the books, 404 for an order not theirs or unpaid."""
    identity = await accounts.resolve_session(token_from_cookies(request.headers.get("cookie", "")))
    if identity is None or identity.role not in ("customer", "enterprise"):
        return PlainTextResponse("Sign in to your account to download receipts.", status_code=401, headers=NO_STORE)
    ref = str(request.path_params.get("order_ref", ""))[:MAX_REF_LENGTH]
    try:
        if identity.role == "customer":
            receipt = await orders.get_receipt_pdf(identity.principal_id, order_ref=ref)
        else:
            receipt = await enterprise.get_bulk_receipt_pdf(identity, ref)
    except enterprise.RoleNotAllowed as exc:
        return PlainTextResponse(message_for(exc), status_code=403, headers=NO_STORE)
    except ServiceError as exc:
        return PlainTextResponse(message_for(exc), status_code=404, headers=NO_STORE)
    return Response(receipt.content, media_type="application/pdf", headers={
        **NO_STORE, "content-disposition": f'attachment; filename="{receipt.filename}"'})
