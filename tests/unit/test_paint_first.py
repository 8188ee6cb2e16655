"""The built pages are painted before their JavaScript is fetched, and still start the same modules."""

from __future__ import annotations

import gzip
import json
import pathlib
import re

from esim_app.plugins import PaintFirst

BOOTSTRAP = ('import "/assets/manifest-1.js";\nimport * as route0 from "/assets/root-2.js";\n'
             'window.__reactRouterRouteModules = {"root":route0};\nimport("/assets/entry.client-3.js");')
PAGE = ('<!DOCTYPE html><html lang="en"><head><link rel="modulepreload" href="/assets/manifest-1.js"/>'
        '<link rel="modulepreload" href="/assets/root-2.js"/><link href="/assets/styles.css" rel="stylesheet"/>'
        '</head><body><h1>Japan</h1><script>window.__reactRouterContext = {};</script>'
        f'<script type="module" async="">{BOOTSTRAP}</script></body></html>')


def _built(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(PAGE)
    (tmp_path / "index.html.br").write_bytes(b"stale")
    return tmp_path


def test_the_page_fetches_its_modules_only_after_its_first_frame(tmp_path: pathlib.Path) -> None:
    static_dir = _built(tmp_path)
    PaintFirst().post_build(static_dir=static_dir)
    html = (static_dir / "index.html").read_text()
    assert "modulepreload\" href" not in html and "import " not in html  # nothing fetched while parsing
    assert "<h1>Japan</h1>" in html and '<script>window.__reactRouterContext = {};</script>' in html
    starter = re.search(r"<script>(\(\(\) => .*?)</script>", html, re.DOTALL).group(1)
    assert "else if (!true)" in starter and 'getEntriesByName("first-contentful-paint")' in starter
    assert json.dumps(["/assets/manifest-1.js", "/assets/root-2.js"]) in starter
    boot = re.search(r'boot.src = "/(assets/boot-[0-9a-f]{12}\.js)"', starter).group(1)
    assert (static_dir / boot).read_text() == BOOTSTRAP  # React Router's own start, unchanged
    assert gzip.decompress((static_dir / "index.html.gz").read_bytes()).decode() == html
    assert not (static_dir / "index.html.br").exists()


def test_the_shell_of_routes_with_parameters_starts_after_its_first_frame(tmp_path: pathlib.Path) -> None:
    static_dir = _built(tmp_path)
    shell = PAGE.replace("window.__reactRouterContext = {};", 'window.__reactRouterContext = {"isSpaMode":true};')
    (static_dir / "__spa-fallback.html").write_text(shell)
    PaintFirst().post_build(static_dir=static_dir)
    assert "else if (!false) requestAnimationFrame" in (static_dir / "__spa-fallback.html").read_text()


def test_a_page_without_react_routers_start_is_left_alone(tmp_path: pathlib.Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "plain.html").write_text("<html><head></head><body>hi</body></html>")
    PaintFirst().post_build(static_dir=tmp_path)
    assert (tmp_path / "plain.html").read_text() == "<html><head></head><body>hi</body></html>"
    assert not list((tmp_path / "assets").iterdir())
