"""`POST /api/stripe/webhook`: Stripe's events, verified on the raw body, recorded once, then fulfilment."""

import logging

from starlette.requests import Request
from starlette.responses import Response

from esim_app.http.bodies import BodyTooLarge, read_capped
from services import payments

log = logging.getLogger(__name__)


async def stripe_webhook(request: Request) -> Response:
    """413 for a body over 64 KB; 400 for a missing or bad signature or a body that is not an event;
    200 once recorded (a redelivery included)."""
    try:
        payload = await read_capped(request)
    except BodyTooLarge:
        log.warning("stripe webhook rejected: body over the limit")
        return Response(status_code=413)
    try:
        await payments.handle_stripe_webhook(payload, request.headers.get("stripe-signature"))
    except payments.InvalidSignature:
        log.warning("stripe webhook rejected: bad or missing signature, or not an event")
        return Response(status_code=400)
    return Response(status_code=200)
