"""Reflex plugins of our own, referenced from rxconfig.py."""

from typing import Any

from reflex_base.plugins.base import Plugin

FONT_PACKAGE = "@fontsource-variable/plus-jakarta-sans@5.3.0"


class SelfHostedFont(Plugin):
    """Plus Jakarta Sans from the npm registry, bundled by Vite: no font CDN at runtime."""

    def get_frontend_dependencies(self, **context: Any) -> tuple[str, ...]:
        return (FONT_PACKAGE,)

    def get_stylesheet_paths(self, **context: Any) -> tuple[str, ...]:
        return ("@fontsource-variable/plus-jakarta-sans/index.css",)
