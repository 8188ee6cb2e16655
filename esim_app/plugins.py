"""Reflex plugins of our own, referenced from rxconfig.py."""

from __future__ import annotations

import gzip
import hashlib
import json
import pathlib
import re
from typing import Any

from reflex_base.constants import Dirs, PageNames, ReactRouter
from reflex_base.plugins.base import Plugin

FONT_PACKAGE = "@fontsource-variable/plus-jakarta-sans@5.3.0"
# The subset every page's text needs first (Basic Latin, Latin-1: English, Spanish, French, German).
FIRST_FONT = "plus-jakarta-sans-latin-wght-normal-*.woff2"
SIDECARS = (".gz", ".br", ".zst")


class SelfHostedFont(Plugin):
    """Plus Jakarta Sans from the npm registry, bundled by Vite: no font CDN at runtime.

    Its `@font-face` rules say `font-display: swap`. After the production build, every page's HTML
    preloads the Latin subset, so the text is first drawn in it rather than redrawn (shifting the
    layout) when it arrives. Vite names the file by its content hash, known only after the build.
    """

    def get_frontend_dependencies(self, **context: Any) -> tuple[str, ...]:
        return (FONT_PACKAGE,)

    def get_stylesheet_paths(self, **context: Any) -> tuple[str, ...]:
        return ("@fontsource-variable/plus-jakarta-sans/index.css",)

    def post_build(self, **context: Any) -> None:
        static_dir: pathlib.Path = context["static_dir"]
        fonts = sorted((static_dir / "assets").glob(FIRST_FONT))
        if fonts:
            preload_in_pages(static_dir, f"/assets/{fonts[0].name}")


def preload_in_pages(static_dir: pathlib.Path, font_url: str) -> None:
    """Add a font preload at the top of `<head>` of each built page; its gzip copy is rewritten and
    other precompressed copies removed, so no stale copy is served."""
    link = f'<link rel="preload" href="{font_url}" as="font" type="font/woff2" crossorigin=""/>'
    for page in static_dir.rglob("*.html"):
        html = page.read_text()
        if font_url in html or "<head>" not in html:
            continue
        write_page(page, html.replace("<head>", "<head>" + link, 1))


def write_page(page: pathlib.Path, html: str) -> None:
    """Replace a built page; its gzip copy is rewritten and other precompressed copies removed."""
    page.write_text(html)
    for suffix in SIDECARS:
        page.with_name(page.name + suffix).unlink(missing_ok=True)
    page.with_name(page.name + ".gz").write_bytes(gzip.compress(html.encode(), compresslevel=9))


_MODULE_PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)"/>')
_BOOTSTRAP = re.compile(r'<script type="module" async="">(.*?)</script>', re.DOTALL)
_SPA_SHELL = '"isSpaMode":true'  # the fallback page of routes with parameters: nothing to paint before the app runs
# Starts the app once the prerendered page's first contentful paint is on screen (3 s at most); at once
# in a hidden tab or on a hidden page (shown by the app), after the first frame on a page without content.
_STARTER = """<script>(() => {{ let started = false;
const start = () => {{ if (started) return; started = true;
  for (const href of {preloads}) {{ const link = document.createElement("link");
    link.rel = "modulepreload"; link.href = href; document.head.append(link); }}
  const boot = document.createElement("script"); boot.type = "module"; boot.src = {boot}; document.head.append(boot); }};
if (document.hidden || getComputedStyle(document.body).visibility === "hidden") start();
else if (!{contentful}) requestAnimationFrame(() => setTimeout(start));
else {{ new PerformanceObserver((list) => {{ if (list.getEntriesByName("first-contentful-paint").length) setTimeout(start); }})
  .observe({{type: "paint", buffered: true}}); setTimeout(start, 3000); }} }})();</script>"""


class PaintFirst(Plugin):
    """The prerendered page is painted before its JavaScript is fetched.

    React Router's build links every module the page needs as `modulepreload` and imports them from
    an inline module script: the browser fetches ~30 scripts (~350 KB) with the stylesheet, and on
    a slow phone connection the prerendered text waits behind them (Lighthouse: first contentful
    paint ~3.6 s; 1.2 s without them). After the build, each page's import script moves to a file
    of its own under `/assets/` (named by its content's hash), and a small inline script adds the
    preloads and that file once the page's text is on screen; hydration then runs as before.
    """

    def post_build(self, **context: Any) -> None:
        static_dir: pathlib.Path = context["static_dir"]
        for page in static_dir.rglob("*.html"):
            html = page.read_text()
            bootstrap = _BOOTSTRAP.search(html)
            if bootstrap is None:
                continue
            body = bootstrap.group(1)
            boot = f"assets/boot-{hashlib.sha256(body.encode()).hexdigest()[:12]}.js"
            (static_dir / boot).write_text(body)
            starter = _STARTER.format(preloads=json.dumps(_MODULE_PRELOAD.findall(html)), boot=json.dumps("/" + boot),
                                      contentful=json.dumps(_SPA_SHELL not in html))
            html = html.replace(bootstrap.group(0), starter, 1)
            write_page(page, _MODULE_PRELOAD.sub("", html))


_PRERENDER_ALL_STATIC = '"prerender": true'  # how Reflex's production build asks for the static routes


class PrerenderPaths(Plugin):
    """React Router prerenders the addresses of routes with parameters listed by `esim_app.routes.prerendered`.

    Reflex asks React Router to prerender every static route (`prerender: true`); a route with a
    parameter is built only as the empty SPA fallback, which a phone paints after ~350 KB of
    JavaScript and a websocket round trip. React Router's `prerender` also takes concrete addresses
    of such routes: this adds them to the config Reflex writes (in development there is no prerender).
    """

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](ReactRouter.CONFIG_FILE, with_prerendered_paths)


def with_prerendered_paths(config: str) -> str:
    """`react-router.config.js` prerendering the static routes and the addresses of `prerendered()`."""
    from esim_app.routes import prerendered

    paths = json.dumps(sorted(set(prerendered())))
    return config.replace(_PRERENDER_ALL_STATIC,
                          f'"prerender": ({{getStaticPaths}}) => [...getStaticPaths(), ...{paths}]', 1)


_LAZY_LOADERS = re.compile(r"const loaders = \{.*?\n  \};", re.DOTALL)


class NoDynamicLibraries(Plugin):
    """No page imports the whole of Radix Themes (nor the font package) for `rx.dynamic`, which we do not use.

    Reflex keeps every plugin's front-end package available to components compiled in the browser: with
    `frontend_lazy_bundled_libraries` (rxconfig.py) as `import()` of the package's every export in the app's
    root. That whole-package import is what the bundler shares with each page, so each page loaded every
    Radix component any page uses (~140 KB of JavaScript, a 275 KB chunk). This empties those loaders.
    """

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](f"{Dirs.PAGES}/{PageNames.APP_ROOT}", without_lazy_loaders)


def without_lazy_loaders(root: str) -> str:
    """The app root's source with no dynamic-component library loaders."""
    return _LAZY_LOADERS.sub("const loaders = {};", root, count=1)


class PlaceTables(Plugin):
    """Writes the module of place names and flags by slug that country and region pages import
    (`esim_app.components.places`)."""

    def get_static_assets(self, **context: Any) -> tuple[tuple[pathlib.Path, str], ...]:
        from esim_app.components.places import TABLES_MODULE, tables_module

        return ((pathlib.Path(TABLES_MODULE), tables_module()),)
