"""Route constants and URL builders (the contract in shared/docs/PAGES.md)."""

HOME = "/"
DESTINATION = "/destinations/[country_slug]"
REGION = "/regions/[region_slug]"
GLOBAL = "/global"
LOGIN = "/login"
ACCOUNT = "/account"
BUSINESS = "/business"
BUSINESS_LOGIN = "/business/login"
ADMIN = "/admin"
ADMIN_LOGIN = "/admin/login"


def destination(slug: str) -> str:
    return f"/destinations/{slug}"


def region(slug: str) -> str:
    return f"/regions/{slug}"
