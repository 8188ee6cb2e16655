"""Route constants and URL builders (the contract in shared/docs/PAGES.md)."""

HOME = "/"
DESTINATION = "/destinations/[country_slug]"
REGION = "/regions/[region_slug]"
GLOBAL = "/global"
LOGIN = "/login"
ACCOUNT = "/account"
BUSINESS = "/business"
BUSINESS_LOGIN = "/business/login"
BUSINESS_FORGOT = "/business/forgot"
BUSINESS_INVITE = "/business/invite/[link_token]"
BUSINESS_RESET = "/business/reset/[link_token]"
BUSINESS_TEAM = "/business/team"
BUSINESS_API_KEYS = "/business/api-keys"
BUSINESS_ORDERS = "/business/orders"
BUSINESS_ORDER = "/business/orders/[order_ref]"
BUSINESS_BILLING = "/business/billing"
BUSINESS_STATEMENT = "/business/billing/[statement_month]"
BUSINESS_ESIMS = "/business/esims"
INSTALL = "/install/[install_token]"  # an employee's private install page (the emailed token)
ADMIN = "/admin"
ADMIN_LOGIN = "/admin/login"
ADMIN_COMPANY = "/admin/enterprise/[company_ref]"


def destination(slug: str) -> str:
    return f"/destinations/{slug}"


def region(slug: str) -> str:
    return f"/regions/{slug}"


def business_order(ref: str) -> str:
    return f"/business/orders/{ref}"


def business_statement(month: str) -> str:
    return f"/business/billing/{month}"
def export_csv(kind: str) -> str:
    """The download of one CSV export of the caller's company (esims, allocations, usage, orders)."""
    return f"/api/exports/{kind}.csv"
