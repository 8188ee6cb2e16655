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
ADMIN = "/admin"
ADMIN_LOGIN = "/admin/login"


def destination(slug: str) -> str:
    return f"/destinations/{slug}"


def region(slug: str) -> str:
    return f"/regions/{slug}"
