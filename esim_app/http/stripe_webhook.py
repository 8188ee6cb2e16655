"""`POST /api/stripe/webhook`: Stripe's events, verified on the raw body, recorded once, then fulfilment."""

import asyncio
import inspect
import logging

from starlette.requests import Request
from starlette.responses import Response

from services.orders import ordering as orders
from services.payments import stripe_payments as payments

log = logging.getLogger(__name__)


async def stripe_webhook(request: Request) -> Response:
    """400 for a missing or bad signature; 200 once recorded (a redelivery included)."""
    payload = await request.body()
    try:
        result = await asyncio.to_thread(
            payments.handle_webhook, payload, request.headers.get("stripe-signature")
        )
    except payments.InvalidSignature:
        log.warning("stripe webhook rejected: bad or missing signature")
        return Response(status_code=400)
    fulfil = getattr(orders, "fulfil_in_background", None)
    if result.paid_order_ids and fulfil is not None:
        started = fulfil(list(result.paid_order_ids))
        if inspect.isawaitable(started):
            await started
    return Response(status_code=200)
