"""Refusals of the enterprise portal, each with a stable code (words: esim_app/errors.py)."""

from __future__ import annotations

from services.core.errors import ServiceError


class InvalidCompanyName(ServiceError):
    code = "enterprise_company_name"


class InvalidLink(ServiceError):
    """A password link that is unknown, used, expired, or for a user who is gone."""

    code = "enterprise_link_invalid"


class NotAllowed(ServiceError):
    """The caller's company role does not allow this (checked on the server, whatever the page shows)."""

    code = "enterprise_not_allowed"


class InvalidRole(ServiceError):
    code = "enterprise_invalid_role"


class UserExists(ServiceError):
    code = "enterprise_user_exists"


class UserNotFound(ServiceError):
    code = "enterprise_user_not_found"


class ApiKeyInvalid(ServiceError):
    """No key, a malformed key, or one whose secret does not match (HTTP 401)."""

    code = "api_key_invalid"


class ApiKeyRevoked(ServiceError):
    """The key was revoked by a company admin (HTTP 401)."""

    code = "api_key_revoked"


class ApiScopeMissing(ServiceError):
    """The key lacks the scope this endpoint needs; `params["scope"]` names it (HTTP 403)."""

    code = "api_scope_missing"


class ApiRateLimited(ServiceError):
    """Too many requests with one key; `retry_after_seconds` is the wait (HTTP 429)."""

    code = "api_rate_limited"

    def __init__(self, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(f"API rate limit: retry after {retry_after_seconds}s", seconds=retry_after_seconds)


class ApiKeyNotFound(ServiceError):
    code = "api_key_not_found"


class InvalidApiKeyRequest(ServiceError):
    """A key needs a name (at most 100 characters) and at least one known scope; a company has at most 20."""

    code = "api_key_request_invalid"
class CompanyInactive(ServiceError):
    """The company is suspended (or gone): no money moves and no order is placed."""

    code = "enterprise_company_inactive"


class CreditLimitExceeded(ServiceError):
    """An order on account does not fit in the credit still available (`available` in params, formatted)."""

    code = "enterprise_credit_exceeded"


class InvalidBulkOrder(ServiceError):
    """No lines, a quantity out of range, an unknown payment method, or an empty idempotency key."""

    code = "enterprise_order_invalid"


class BulkPlanUnavailable(ServiceError):
    code = "enterprise_plan_unavailable"


class BulkOrderNotFound(ServiceError):
    code = "enterprise_order_not_found"


class BulkOrderNotPayable(ServiceError):
    """Paid already, not a card order, or cancelled."""

    code = "enterprise_order_not_payable"


class CompanyNotFound(ServiceError):
    code = "enterprise_company_not_found"


class InvalidCreditLimit(ServiceError):
    code = "enterprise_credit_limit"


class QuoteNotFound(ServiceError):
    code = "enterprise_quote_not_found"


class QuoteWithoutLines(ServiceError):
    code = "enterprise_quote_no_lines"


class TooManyQuoteLines(ServiceError):
    code = "enterprise_quote_too_many_lines"


class QuoteTooLarge(ServiceError):
    """More eSIMs in all than one bulk order holds."""

    code = "enterprise_quote_too_large"


class InvalidQuoteLine(ServiceError):
    """A line is neither a listed plan nor a need with countries, data and days; or its quantity is out of range."""

    code = "enterprise_quote_line_invalid"


class InvalidWantedBy(ServiceError):
    code = "enterprise_quote_wanted_by"


class QuoteNoteTooLong(ServiceError):
    code = "enterprise_quote_note_too_long"


class QuoteNotOpen(ServiceError):
    """The quote's status does not allow this step (accept or reject only a priced quote; price only an open one)."""

    code = "enterprise_quote_not_open"


class QuoteExpired(ServiceError):
    code = "enterprise_quote_expired"


class QuoteChanged(ServiceError):
    """Staff sent new prices after the page showed the quote: the company accepts only what it saw."""

    code = "enterprise_quote_changed"


class InvalidLinePrice(ServiceError):
    code = "enterprise_quote_price_invalid"


class LinePackageMissing(ServiceError):
    """A free-text line needs a catalogue package before the quote can be sent (so it can be provisioned)."""

    code = "enterprise_quote_package_missing"


class InvalidValidity(ServiceError):
    code = "enterprise_quote_validity"
class InvalidAmount(ServiceError):
    """A payment, credit note or credit limit that is not a positive amount within bounds."""

    code = "enterprise_invalid_amount"


class InvalidTier(ServiceError):
    """Volume tiers: minimum quantities must be positive and distinct, discounts 0.01 % to 90 %."""

    code = "enterprise_invalid_tier"


class RoleNotAllowed(ServiceError):
    """The caller's company role does not cover this action (orders: admin/operations; billing: admin/finance)."""

    code = "enterprise_role_not_allowed"
