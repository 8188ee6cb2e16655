"""`POST /api/providers/{provider}/webhook[/{token}]`: provider callbacks, authenticated, applied once.

The token is the provider's secret `<ID>_WEBHOOK_TOKEN` (required where the provider cannot be relied
on to sign); the signature is checked on the raw body where it signs. HEAD answers 200 (some
providers check the URL at opt-in). Answers: 413 for a body over 64 KB, 404 for an unknown provider,
401 for a wrong token or signature, 400 for a body that is not the provider's JSON, else 200 (also
for events we cannot use, so the provider stops redelivering).
"""

import logging

from starlette.requests import Request
from starlette.responses import Response

from esim_app.http.bodies import BodyTooLarge, read_capped
from services import orders

log = logging.getLogger(__name__)


async def provider_webhook(request: Request) -> Response:
    if request.method == "HEAD":
        return Response(status_code=200)
    provider = request.path_params.get("provider", "")
    try:
        body = await read_capped(request)
    except BodyTooLarge:
        log.warning("provider webhook rejected: body over the limit")
        return Response(status_code=413)
    try:
        await orders.receive_provider_webhook(provider, body, request.headers, token=request.path_params.get("token"))
    except orders.UnknownProvider:
        return Response(status_code=404)
    except orders.InvalidWebhook as exc:
        log.warning("provider webhook rejected: %s", exc)
        return Response(status_code=401)
    except orders.MalformedWebhook as exc:
        log.warning("provider webhook rejected: %s", exc)
        return Response(status_code=400)
    return Response(status_code=200)
