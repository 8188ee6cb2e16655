"""Statuses and kinds, stored as text and checked by the database."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    ENTERPRISE = "enterprise"
    ADMIN = "admin"


class StaffRole(enum.StrEnum):
    """What a staff account may do in the admin dashboard; an owner may do everything."""

    OWNER = "owner"  # everything, manages staff
    OPERATIONS = "operations"  # orders, providers, catalogue, jobs
    SUPPORT = "support"  # customers, tickets, refunds up to a limit
    FINANCE = "finance"  # analytics, enterprise billing, exports


class OrderStatus(enum.StrEnum):
    PENDING = "pending"  # created, not paid
    PAID = "paid"
    PROVISIONING = "provisioning"
    COMPLETED = "completed"
    FAILED = "failed"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


class OrderKind(enum.StrEnum):
    ESIM = "esim"
    TOPUP = "topup"


class EsimStatus(enum.StrEnum):
    NOT_INSTALLED = "not_installed"
    ACTIVE = "active"
    USED_UP = "used_up"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class PackageKind(enum.StrEnum):
    LOCAL = "local"
    REGIONAL = "regional"
    GLOBAL = "global"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class SettingType(enum.StrEnum):
    STR = "str"
    INT = "int"
    BOOL = "bool"
    DECIMAL = "decimal"
    JSON = "json"


class TicketStatus(enum.StrEnum):
    OPEN = "open"  # waiting for staff
    AWAITING_CUSTOMER = "awaiting_customer"
    CLOSED = "closed"


class TicketAuthor(enum.StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"


class RefundStatus(enum.StrEnum):
    REQUESTED = "requested"  # recorded; provider not yet asked
    PROVIDER_DONE = "provider_done"  # cancelled at the provider, or nothing to cancel there
    REVIEW = "review"  # the provider did not confirm a cancel: waiting for staff, nothing refunded
    COMPLETED = "completed"  # refunded through Stripe
    REJECTED = "rejected"  # staff declined the request after review; nothing refunded
    FAILED = "failed"  # an administrator's refund the provider refused to cancel; nothing refunded


class ProviderCallOutcome(enum.StrEnum):
    OK = "ok"
    ERROR = "error"
    RATE_LIMITED = "rate_limited"  # ended on a 429
    TIMEOUT = "timeout"  # ended on a timeout, or an order POST whose outcome is unknown
