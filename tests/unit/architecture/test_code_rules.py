"""Rules of the codebase that a reader relies on, checked on every run.

Small modules and functions; the UI never reaches for threads, the provider registry or the ORM;
provider identities live only in `providers/`; every error code a service raises has words; the UI
uses no deprecated Reflex router API and no class that the theme does not style.
"""

from __future__ import annotations

import ast
import importlib
import pathlib
import pkgutil
import re

import services
from services.core import ServiceError

ROOT = pathlib.Path(__file__).resolve().parents[3]
SOURCE_DIRS = ("esim_app", "services", "providers", "tests", "bench")
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60
PROVIDER_IDS = re.compile(r"airalo|esim_access|esim_go", re.IGNORECASE)
UI_FORBIDDEN = re.compile(r"to_thread|get_registry|import sqlmodel|import sqlalchemy|from sqlmodel|from sqlalchemy")


def _python_files(*dirs: str) -> list[pathlib.Path]:
    return sorted(p for d in dirs for p in (ROOT / d).rglob("*.py") if ".web" not in p.parts)


def test_no_module_or_function_is_too_long():
    too_long = []
    for path in _python_files(*SOURCE_DIRS):
        text = path.read_text()
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}(): {length} lines")
    assert too_long == []


def test_the_ui_leaves_threads_registry_and_orm_to_services():
    hits = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in _python_files("esim_app")
            for n, line in enumerate(p.read_text().splitlines(), 1) if UI_FORBIDDEN.search(line)]
    assert hits == []


def test_the_ui_reads_route_arguments_without_the_deprecated_router_page():
    """`self.router.page` logs a deprecation on every use and goes in Reflex 1.0 (reflex-guide.md):
    route arguments are state vars (`self.order_ref`), the URL is `self.router.url`."""
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in _python_files("esim_app")
            for n, line in enumerate(p.read_text().splitlines(), 1) if "router.page" in line]
    assert hits == []


def test_every_class_the_ui_names_has_a_style_in_the_theme():
    """A class with no rule is silently unstyled (the statement and ledger tables once rendered with the
    browser's centred headers): each literal `class_name` in esim_app has a selector in assets/theme.css."""
    css = (ROOT / "assets" / "theme.css").read_text()
    named = {name for p in _python_files("esim_app")
             for literal in re.findall(r'class_name="([^"{}]*)"', p.read_text()) for name in literal.split()}
    assert named, "no class names found: the pattern no longer matches the code"
    assert sorted(n for n in named if not re.search(rf"\.{re.escape(n)}(?![\w-])", css)) == []


def test_provider_ids_are_named_only_in_the_provider_layer():
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in _python_files("services", "esim_app")
            for n, line in enumerate(p.read_text().splitlines(), 1) if PROVIDER_IDS.search(line)]
    assert hits == []


def _all_subclasses(cls: type) -> list[type]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_all_subclasses(direct))]


def test_every_service_error_code_has_words_for_the_reader():
    from esim_app.errors import MESSAGES

    for module in pkgutil.walk_packages(services.__path__, "services."):
        if not module.name.startswith("services.sandbox"):
            importlib.import_module(module.name)
    codes = {cls.code for cls in _all_subclasses(ServiceError) if not cls.__name__.startswith("_")}
    assert len(codes) > 10
    assert sorted(codes - MESSAGES.keys()) == []
