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
from services.core.models.admin import StaffAction
from services.core.models.bulk import (
    BulkOrder,
    BulkOrderLine,
    BulkOrderStatus,
    BulkPayment,
    LedgerEntry,
    LedgerKind,
    VolumeTier,
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
from services.core.models.enterprise import (
    ApiKey,
    ApiScope,
    CompanyRole,
    EnterpriseToken,
    EnterpriseUser,
    TokenPurpose,
)
from services.core.models.distribution import CompanyUsageSummary, EsimAllocation
from services.core.models.enums import (
    EsimStatus,
    OrderKind,
    OrderStatus,
    OutboxStatus,
    PackageKind,
    ProviderCallOutcome,
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
    ProviderCall,
    Setting,
    SupportMessage,
    SupportTicket,
)
from services.core.models.quotes import EnterpriseQuote, EnterpriseQuoteLine, QuoteStatus

__all__ = [
    "Admin",
    "AdminRecoveryCode",
    "ApiKey",
    "ApiScope",
    "AnalyticsBlock",
    "AnalyticsBuyerDay",
    "AnalyticsBuyerWeek",
    "AnalyticsChange",
    "AnalyticsDaily",
    "AuditLog",
    "AuthSession",
    "BulkOrder",
    "BulkOrderLine",
    "BulkOrderStatus",
    "BulkPayment",
    "CardChargeAttempt",
    "CompanyRole",
    "EmailOutbox",
    "EnterpriseAccount",
    "EnterpriseQuote",
    "EnterpriseQuoteLine",
    "EnterpriseToken",
    "EnterpriseUser",
    "Esim",
    "EsimAllocation",
    "EsimNotice",
    "EsimStatus",
    "JobRun",
    "LedgerEntry",
    "LedgerKind",
    "LoginAttempt",
    "LoginCode",
    "Order",
    "OrderKind",
    "OrderStatus",
    "OutboxStatus",
    "Package",
    "PackageKind",
    "PaymentRefund",
    "ProviderCall",
    "ProviderCallOutcome",
    "QuoteStatus",
    "ProviderWebhookEvent",
    "RefundRequest",
    "RefundStatus",
    "Role",
    "Setting",
    "StaffAction",
    "SettingType",
    "StaffRole",
    "StripeEvent",
    "SupportMessage",
    "SupportTicket",
    "TicketAuthor",
    "TicketStatus",
    "TokenPurpose",
    "User",
    "VolumeTier",
]
