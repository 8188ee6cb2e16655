"""Route constants and URL builders (the contract in shared/docs/PAGES.md)."""

HOME = "/"
DESTINATION = "/destinations/[country_slug]"
REGION = "/regions/[region_slug]"
GLOBAL = "/global"
DEVICES = "/devices"  # which phones support eSIM
LOGIN = "/login"
ACCOUNT = "/account"
BUSINESS = "/business"
BUSINESS_LOGIN = "/business/login"
BUSINESS_FORGOT = "/business/forgot"
BUSINESS_INVITE = "/business/invite/[link_token]"
BUSINESS_RESET = "/business/reset/[link_token]"
BUSINESS_TEAM = "/business/team"
BUSINESS_AUDIT = "/business/audit"
BUSINESS_QUOTES = "/business/quotes"
BUSINESS_QUOTE = "/business/quotes/[quote_ref]"
BUSINESS_ESIMS = "/business/esims"
INSTALL = "/install/[install_token]"  # an employee's private install page (the emailed token)
ADMIN = "/admin"
ADMIN_LOGIN = "/admin/login"
ADMIN_ENTERPRISE = "/admin/enterprise"
ADMIN_QUOTES = "/admin/quotes"
ADMIN_QUOTE = "/admin/quotes/[quote_ref]"
ADMIN_COMPANY = "/admin/enterprise/[company_ref]"
BUSINESS_API_KEYS = "/business/api-keys"
BUSINESS_ORDERS = "/business/orders"
BUSINESS_ORDER = "/business/orders/[order_ref]"
BUSINESS_BILLING = "/business/billing"
BUSINESS_STATEMENT = "/business/billing/[statement_month]"
PLAN = "/plans/[plan_ref]"
CHECKOUT = "/checkout/[plan_ref]"
# The address a route's shell is prerendered at when its values are not known when building (plans come
# from the database): `esim_app.http.built_pages` serves it for every other address of that route.
SHELL = "_shell"


def destination(slug: str) -> str:
    return f"/destinations/{slug}"


def region(slug: str) -> str:
    return f"/regions/{slug}"


def plan(slug: str) -> str:
    return f"/plans/{slug}"


def checkout(slug: str) -> str:
    return f"/checkout/{slug}"


def prerendered() -> list[str]:
    """The addresses of routes with parameters that the build prerenders (`esim_app.plugins.PrerenderPaths`):
    every country's and region's plan list, and the shells of the plan and checkout pages."""
    from services.catalog import REGIONS, all_destinations

    return ([destination(d.slug) for d in all_destinations()] + [region(r.slug) for r in REGIONS]
            + [plan(SHELL), checkout(SHELL)])


def business_quote(ref: str) -> str:
    return f"/business/quotes/{ref}"


def admin_quote(ref: str) -> str:
    return f"/admin/quotes/{ref}"


def admin_company(ref: str) -> str:
    """A company's page in the admin dashboard (`/admin/enterprise/[company_ref]`)."""
    return f"/admin/enterprise/{ref}"


def business_order(ref: str) -> str:
    return f"/business/orders/{ref}"


def business_statement(month: str) -> str:
    return f"/business/billing/{month}"


def export_csv(kind: str) -> str:
    """The download of one CSV export of the caller's company (esims, allocations, usage, orders)."""
    return f"/api/exports/{kind}.csv"
