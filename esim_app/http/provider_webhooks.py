"""`POST /api/providers/{provider}/webhook`: provider callbacks, verified on the raw body, applied once.

HEAD answers 200 (some providers check the URL at opt-in). Anything we cannot use still gets 200, so the
provider stops redelivering; only a bad signature gets 401 and an unknown provider 404.
"""

import logging

from starlette.requests import Request
from starlette.responses import Response

from services import orders

log = logging.getLogger(__name__)


async def provider_webhook(request: Request) -> Response:
    if request.method == "HEAD":
        return Response(status_code=200)
    provider = request.path_params.get("provider", "")
    body = await request.body()
    try:
        await orders.receive_provider_webhook(provider, body, request.headers)
    except orders.UnknownProvider:
        return Response(status_code=404)
    except orders.InvalidWebhook as exc:
        log.warning("provider webhook rejected: %s", exc)
        return Response(status_code=401)
    return Response(status_code=200)
