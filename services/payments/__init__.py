"""Card payments through Stripe: the face the UI and the webhook route import.

Checkout itself is an orders use case (`services.orders.pay_checkout`); this face answers Stripe's
webhooks and names the payment errors a page may meet. Jobs and tests use the modules
(`stripe_payments`, `webhooks`, `refunds`).
"""

import asyncio

from services.orders import background
from services.payments import webhooks
from services.payments.errors import (
    CardExpired,
    GatewayError,
    IncorrectCardDetails,
    InsufficientFunds,
    InvalidSignature,
    PaymentDeclined,
    PaymentError,
    PaymentNotCompleted,
    PaymentsNotConfigured,
    TooManyDeclines,
)


async def handle_stripe_webhook(payload: bytes, signature_header: str | None) -> None:
    """Verify, record and apply one Stripe event, then start fulfilment of the orders it paid.

    Raises `InvalidSignature` for anything Stripe did not sign; a redelivery changes nothing.
    """
    result = await asyncio.to_thread(webhooks.handle_webhook, payload, signature_header)
    if result.paid_order_ids:
        background.fulfil_in_background(list(result.paid_order_ids))
    if result.paid_bulk_order_ids:
        from services.enterprise import provisioning  # local: enterprise builds on payments

        provisioning.provision_in_background(list(result.paid_bulk_order_ids))


__all__ = [
    "CardExpired", "GatewayError", "IncorrectCardDetails", "InsufficientFunds", "InvalidSignature", "PaymentDeclined",
    "PaymentError", "PaymentNotCompleted", "PaymentsNotConfigured", "TooManyDeclines", "handle_stripe_webhook",
]
