"""The core tables (the seed document's schema, tightened).

Conventions: bigint identity keys internally, readable display ids (`UID001`, `OID001`) drawn
from sequences by the database; money as integer minor units plus an ISO currency (provider
costs in `*_micros`, millionths of the currency unit, which keeps eSIM Access's 1/10,000 USD
exact); timezone-aware timestamps; statuses as `StrEnum`s checked by the database. Only
migrations create tables.
"""

from services.core.models.accounts import (
    Admin,
    AdminRecoveryCode,
    AuditLog,
    AuthSession,
    EnterpriseAccount,
    LoginAttempt,
    LoginCode,
    User,
)
from services.core.models.analytics import (
    AnalyticsBlock,
    AnalyticsBuyerDay,
    AnalyticsBuyerWeek,
    AnalyticsChange,
    AnalyticsDaily,
)
from services.core.models.commerce import (
    CardChargeAttempt,
    Esim,
    EsimNotice,
    Order,
    Package,
    PaymentRefund,
    ProviderWebhookEvent,
    RefundRequest,
    StripeEvent,
)
from services.core.models.enterprise import CompanyRole, EnterpriseToken, EnterpriseUser, TokenPurpose
from services.core.models.enums import (
    EsimStatus,
    OrderKind,
    OrderStatus,
    OutboxStatus,
    PackageKind,
    RefundStatus,
    Role,
    SettingType,
    StaffRole,
    TicketAuthor,
    TicketStatus,
)
from services.core.models.operations import (
    EmailOutbox,
    JobRun,
    Setting,
    SupportMessage,
    SupportTicket,
)

__all__ = [
    "Admin",
    "AdminRecoveryCode",
    "AnalyticsBlock",
    "AnalyticsBuyerDay",
    "AnalyticsBuyerWeek",
    "AnalyticsChange",
    "AnalyticsDaily",
    "AuditLog",
    "AuthSession",
    "CardChargeAttempt",
    "CompanyRole",
    "EmailOutbox",
    "EnterpriseAccount",
    "EnterpriseToken",
    "EnterpriseUser",
    "Esim",
    "EsimNotice",
    "EsimStatus",
    "JobRun",
    "LoginAttempt",
    "LoginCode",
    "Order",
    "OrderKind",
    "OrderStatus",
    "OutboxStatus",
    "Package",
    "PackageKind",
    "PaymentRefund",
    "ProviderWebhookEvent",
    "RefundRequest",
    "RefundStatus",
    "Role",
    "Setting",
    "SettingType",
    "StaffRole",
    "StripeEvent",
    "SupportMessage",
    "SupportTicket",
    "TicketAuthor",
    "TicketStatus",
    "TokenPurpose",
    "User",
]
