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
BUSINESS_ESIMS = "/business/esims"
INSTALL = "/install/[install_token]"  # an employee's private install page (the emailed token)
ADMIN = "/admin"
ADMIN_LOGIN = "/admin/login"


def destination(slug: str) -> str:
    return f"/destinations/{slug}"


def region(slug: str) -> str:
    return f"/regions/{slug}"


def export_csv(kind: str) -> str:
    """The download of one CSV export of the caller's company (esims, allocations, usage, orders)."""
    return f"/api/exports/{kind}.csv"
