"""Reflex plugins of our own, referenced from rxconfig.py."""

from __future__ import annotations

import gzip
import pathlib
from typing import Any

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
        html = html.replace("<head>", "<head>" + link, 1)
        page.write_text(html)
        for suffix in SIDECARS:
            page.with_name(page.name + suffix).unlink(missing_ok=True)
        page.with_name(page.name + ".gz").write_bytes(gzip.compress(html.encode(), compresslevel=9))
