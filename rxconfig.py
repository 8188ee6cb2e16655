"""Reflex configuration. Application settings live in services/settings.py."""

import os

import reflex as rx

from esim_app.plugins import NoDynamicLibraries, PaintFirst, PlaceTables, PrerenderPaths, SelfHostedFont
from services.core.settings import get_settings

_settings = get_settings()
# A backend-only run (`REFLEX_BACKEND_ONLY=1 reflex run --env prod --backend-only`, as bench/load.py does)
# serves no pages, and Reflex refuses one that names a frontend port.
_frontend = {} if os.environ.get("REFLEX_BACKEND_ONLY", "").lower() in {"1", "true", "yes"} else {
    "frontend_port": _settings.app_port}

config = rx.Config(
    app_name="esim_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    **_frontend,
    backend_port=_settings.app_port,
    trusted_proxy_hops=_settings.trusted_proxy_hops,  # client IPs (rate limits) behind that many proxies
    backend_host=_settings.bind_host,  # 127.0.0.1 unless BIND_HOST says otherwise
    cors_allowed_origins=list(_settings.allowed_origins),  # the app's own origin only
    disable_plugins=[rx.plugins.SitemapPlugin],
    # No `import * as` of whole libraries (all of Radix Themes) on every page for `rx.dynamic`, which we do not
    # use: imported on demand instead, and NoDynamicLibraries drops that demand.
    frontend_lazy_bundled_libraries=True,
    frontend_compression_formats=["brotli", "gzip"],  # precompressed at build time; browsers ask for br  # /sitemap.xml is served live (esim_app/http/sitemap.py)
    plugins=[
        SelfHostedFont(),
        PaintFirst(),
        PrerenderPaths(),
        PlaceTables(),
        NoDynamicLibraries(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="blue", gray_color="slate", radius="large", has_background=True)
        ),
    ],
)
