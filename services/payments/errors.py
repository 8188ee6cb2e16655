"""The refusals of payments, each with a stable code the UI words (`esim_app/errors.py`).

A declined card raises a `PaymentDeclined` whose code names the decline reason; that code is also
what the order's `failure_reason` records. Stripe's own wording is never shown to a customer.
"""

from __future__ import annotations

from services.core.errors import ServiceError


class PaymentError(ServiceError):
    code = "payment_error"


class PaymentsNotConfigured(PaymentError):
    code = "payments_not_configured"


class OrderNotPayable(PaymentError):
    """The order is not pending (already paid, cancelled, ...)."""

    code = "order_not_payable"


class NoPayment(PaymentError):
    """The order has no PaymentIntent yet."""

    code = "no_payment"


class InvalidSignature(PaymentError):
    """A webhook without a valid Stripe signature (or not a Stripe event at all)."""

    code = "invalid_signature"


class GatewayError(PaymentError):
    """Stripe refused a request or could not be reached."""

    code = "payment_gateway_error"

    def __init__(self, message: str, *, http_status: int | None = None, stripe_code: str | None = None) -> None:
        super().__init__(message)
        self.http_status, self.stripe_code = http_status, stripe_code


class PaymentNotCompleted(PaymentError):
    """The customer left 3-D Secure without completing it."""

    code = "payment_not_completed"


class PaymentDeclined(PaymentError):
    """The bank declined the card; subclasses name the reason."""

    code = "payment_declined"


class TooManyDeclines(PaymentError):
    """The customer's cards were declined `CARD_DECLINES_PER_DAY` times within 24 hours."""

    code = "payment_declines_capped"  # params: retry_at


class InsufficientFunds(PaymentDeclined):
    code = "payment_insufficient_funds"


class CardExpired(PaymentDeclined):
    code = "payment_card_expired"


class IncorrectCardDetails(PaymentDeclined):
    code = "payment_card_incorrect"


_DECLINES: dict[str, type[PaymentDeclined]] = {
    "insufficient_funds": InsufficientFunds,
    "expired_card": CardExpired,
    "incorrect_cvc": IncorrectCardDetails,
    "incorrect_number": IncorrectCardDetails,
    "invalid_cvc": IncorrectCardDetails,
    "invalid_expiry_month": IncorrectCardDetails,
    "invalid_expiry_year": IncorrectCardDetails,
    "incorrect_zip": IncorrectCardDetails,
}


def declined(stripe_code: str | None, decline_code: str | None) -> PaymentDeclined:
    """Our error for Stripe's decline (`decline_code` is the bank's reason, `stripe_code` Stripe's)."""
    kind = _DECLINES.get(decline_code or "") or _DECLINES.get(stripe_code or "") or PaymentDeclined
    return kind(f"card declined (code {stripe_code}, decline code {decline_code})")
