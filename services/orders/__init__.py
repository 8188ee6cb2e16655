"""Orders, eSIMs, top-ups and refunds: the face the UI imports (every function here is async).

Use cases: `load_checkout` / `pay_checkout` / `confirm_checkout` (one tab's checkout, keyed by its
checkout key), `list_topup_offers`, `get_refund_eligibility` / `request_refund`, the staff queue of
refund requests (`list_refund_requests` / `decide_refund_request`, for the admin dashboard), and one
read per account page. Jobs, tests and the CLI use the modules (`ordering`, `recovery`, `usage`, ...).
"""

from services.orders.checkout import (
    CheckoutResult,
    CheckoutView,
    confirm_checkout,
    load_checkout,
    pay_checkout,
)
from services.orders.errors import (
    CheckoutExpired,
    EsimNotFound,
    OrderNotFound,
    PlanUnavailable,
    PriceChanged,
    RefundError,
    RefundFailed,
    RefundNotAllowed,
    RefundNotInReview,
    TopupUnavailable,
)
from services.orders.esims import EsimDetail, EsimSummary, OrderSummary
from services.orders.provider_webhooks import (
    InvalidWebhook,
    MalformedWebhook,
    UnknownProvider,
    receive_provider_webhook,
)
from services.orders.reads import (
    AccountView,
    get_esim,
    get_order,
    get_receipt_pdf,
    get_refund_eligibility,
    list_orders,
    load_account,
)
from services.orders.receipt_pdf import ReceiptFile
from services.orders.receipts import ReceiptUnavailable
from services.orders.refund_review import RefundRequestView, decide_refund_request, list_refund_requests
from services.orders.refunds import Eligibility, RefundView, request_refund
from services.orders.topups import PricedOffer, list_priced_topup_offers, list_topup_offers

__all__ = [
    "AccountView", "CheckoutExpired", "InvalidWebhook", "MalformedWebhook", "UnknownProvider", "receive_provider_webhook", "CheckoutResult", "CheckoutView", "Eligibility", "EsimDetail", "EsimNotFound",
    "EsimSummary", "OrderNotFound", "OrderSummary", "PlanUnavailable", "PriceChanged", "RefundError", "RefundFailed",
    "RefundNotAllowed", "RefundNotInReview", "RefundRequestView", "RefundView", "TopupUnavailable",
    "PricedOffer", "ReceiptFile", "ReceiptUnavailable", "get_receipt_pdf",
    "confirm_checkout", "decide_refund_request", "get_esim", "get_order", "get_refund_eligibility",
    "list_orders", "list_priced_topup_offers", "list_refund_requests", "list_topup_offers", "load_account", "load_checkout", "pay_checkout",
    "request_refund",
]
