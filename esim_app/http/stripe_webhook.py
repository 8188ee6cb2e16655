"""`POST /api/stripe/webhook`: Stripe's events, verified on the raw body, recorded once, then fulfilment."""

import logging

from starlette.requests import Request
from starlette.responses import Response

from services import payments

log = logging.getLogger(__name__)


async def stripe_webhook(request: Request) -> Response:
    """400 for a missing or bad signature; 200 once recorded (a redelivery included)."""
    payload = await request.body()
    try:
        await payments.handle_stripe_webhook(payload, request.headers.get("stripe-signature"))
    except payments.InvalidSignature:
        log.warning("stripe webhook rejected: bad or missing signature")
        return Response(status_code=400)
    return Response(status_code=200)
