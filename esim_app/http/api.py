"""The backend's own HTTP routes, mounted in front of Reflex's (ours win on a path clash)."""

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from esim_app.http import admin_exports, business_api, exports, receipts
from esim_app.http.admin_export import customer_export
from esim_app.http.built_pages import BuiltPageAddresses
from esim_app.http.caching import ImmutableAssets
from esim_app.http.headers import SecurityHeaders
from esim_app.http.health import health
from esim_app.http.packages import packages_endpoint
from esim_app.http.provider_webhooks import provider_webhook
from esim_app.http.session import END, START, session_end, session_start
from esim_app.http.sitemap import sitemap
from esim_app.http.stripe_webhook import stripe_webhook
from services import sandbox
from services.core import get_settings


def _sandbox_routes() -> list[BaseRoute]:
    """The simulators of providers without credentials, served by the app itself outside production
    (loopback clients only, see `sandbox.SandboxGuard`); their webhooks come back here. None when they
    run as their own process (`esim simulators`, `SIMULATORS_URL`), as with several web workers."""
    return sandbox.simulator_routes(get_settings())


def build_api() -> Starlette:
    return Starlette(routes=[
        Route("/api/health", health, methods=["GET"]),
        Route("/api/v1/packages", packages_endpoint, methods=["GET"]),
        Route("/api/stripe/webhook", stripe_webhook, methods=["POST"]),
        *(Route(START, session_start, methods=["GET"]), Route(END, session_end, methods=["GET"])),
        Route("/api/providers/{provider}/webhook", provider_webhook, methods=["POST", "HEAD"]),
        Route("/api/providers/{provider}/webhook/{token}", provider_webhook, methods=["POST", "HEAD"]),
        Route(exports.PATH, exports.export_csv, methods=["GET"]),
        Route(receipts.PATH, receipts.receipt_pdf, methods=["GET"]),
        Route(admin_exports.ROUTE, admin_exports.admin_export, methods=["GET"]),
        Route("/sitemap.xml", sitemap, methods=["GET"]),
        Route("/api/admin/customers/{user_ref}/export", customer_export, methods=["GET"]),
        *business_api.routes(),
        *_sandbox_routes(),
    ])


api = build_api()
# For `rx.App(api_transformer=...)`: our routes in front of Reflex's, the sandbox guard (sandbox pages and
# knobs for this machine only), a year's cache for the hashed build assets, built pages at their own address
# (no redirect to a trailing slash), then the security headers around everything (built pages, `/_event`, ours).
api_transformers = [api, sandbox.SandboxGuard, ImmutableAssets, BuiltPageAddresses, SecurityHeaders]
