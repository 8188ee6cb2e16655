"""The refusals of ordering, eSIMs, top-ups and refunds, each with a stable code the UI words.

The message of each error is for logs and staff; customers see the words `esim_app/errors.py`
has for the code. The codes of `OrderNotDelivered` and `DeliveryDelayed` are also what a failed
order's `failure_reason` holds, so the order page and emails word them the same way.
"""

from __future__ import annotations

from services.core.errors import ServiceError


class PlanUnavailable(ServiceError):
    code = "plan_unavailable"


class PriceChanged(ServiceError):
    """The plan's price changed after the customer saw it; nothing was charged."""

    code = "price_changed"


class RateChanged(PriceChanged):
    """The plan's price is the same, but the exchange rate of the customer's currency changed since; nothing was charged."""

    code = "rate_changed"


class OrderNotFound(ServiceError):
    code = "order_not_found"


class PaymentMismatch(ServiceError):
    code = "payment_mismatch"


class CheckoutExpired(ServiceError):
    """The tab's checkout key belongs to another customer's or another plan's order."""

    code = "checkout_expired"


class OrderNotDelivered(ServiceError):
    """No provider could deliver the order (out of stock, refused, or none offers the plan)."""

    code = "order_not_delivered"


class DeliveryDelayed(ServiceError):
    """A provider did not answer in time; the failed-orders job tries again."""

    code = "order_delivery_delayed"


class EsimNotFound(ServiceError):
    code = "esim_not_found"


class TopupUnavailable(ServiceError):
    """The eSIM expired or was cancelled."""

    code = "topup_unavailable"


class TopupOffersUnavailable(TopupUnavailable):
    """The eSIM's provider could not say which top-ups fit it."""

    code = "topup_offers_unavailable"


class TopupDoesNotFit(TopupUnavailable):
    code = "topup_does_not_fit"


class RefundError(ServiceError):
    code = "refund_error"


class RefundNotAllowed(RefundError):
    code = "refund_not_allowed"


class RefundReasonMissing(RefundNotAllowed):
    code = "refund_reason_missing"


class RefundReasonTooLong(RefundNotAllowed):
    code = "refund_reason_too_long"  # params: max_chars


class TopupNotRefundable(RefundNotAllowed):
    code = "refund_topup"


class AlreadyRefunded(RefundNotAllowed):
    code = "refund_already_done"


class OrderNotCompleted(RefundNotAllowed):
    code = "refund_order_not_completed"


class EsimAlreadyUsed(RefundNotAllowed):
    code = "refund_esim_used"


class RefundWindowPassed(RefundNotAllowed):
    code = "refund_window_passed"  # params: days


class NoCardPayment(RefundNotAllowed):
    code = "refund_no_payment"


class NotAnAdministrator(RefundNotAllowed):
    code = "refund_admin_only"


class RefundNotInReview(RefundNotAllowed):
    """A staff decision on an order whose refund request is not waiting for review."""

    code = "refund_not_in_review"


class RefundFailed(RefundError):
    """A step failed; what was done is recorded and a new request carries on from there."""

    code = "refund_failed"


class OperatorUnavailable(RefundFailed):
    code = "refund_operator_unavailable"


class OperatorRefusedCancel(RefundFailed):
    code = "refund_operator_refused"


class CardRefundFailed(RefundFailed):
    code = "refund_card_failed"


class RefundAboveLimit(NotAnAdministrator):
    """Support staff may refund, or approve a refund of, at most the store's support refund limit."""

    code = "refund_above_support_limit"  # params: limit
