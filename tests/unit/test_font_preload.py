"""The built pages preload the font's first subset, and no stale precompressed copy survives."""

from __future__ import annotations

import gzip
import pathlib

from esim_app.plugins import SelfHostedFont

PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><title>Japan</title></head>'
        "<body></body></html>")


def _build(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "plus-jakarta-sans-latin-wght-normal-eXO_dkmS.woff2").write_bytes(b"font")
    (tmp_path / "assets" / "plus-jakarta-sans-latin-ext-wght-normal-DmpS2jIq.woff2").write_bytes(b"font")
    (tmp_path / "destinations").mkdir()
    for page in (tmp_path / "index.html", tmp_path / "destinations" / "japan.html"):
        page.write_text(PAGE)
        page.with_name(page.name + ".gz").write_bytes(gzip.compress(PAGE.encode()))
        page.with_name(page.name + ".br").write_bytes(b"stale")
    return tmp_path


def test_every_page_preloads_the_latin_subset_once(tmp_path: pathlib.Path) -> None:
    static_dir = _build(tmp_path)
    SelfHostedFont().post_build(static_dir=static_dir)
    SelfHostedFont().post_build(static_dir=static_dir)  # a second pass changes nothing
    link = ('<link rel="preload" href="/assets/plus-jakarta-sans-latin-wght-normal-eXO_dkmS.woff2" as="font" '
            'type="font/woff2" crossorigin=""/>')
    for page in (static_dir / "index.html", static_dir / "destinations" / "japan.html"):
        html = page.read_text()
        assert html.count(link) == 1 and html.startswith('<!DOCTYPE html><html lang="en"><head>' + link)
        assert gzip.decompress(page.with_name(page.name + ".gz").read_bytes()).decode() == html
        assert not page.with_name(page.name + ".br").exists()


def test_a_build_without_the_font_is_left_alone(tmp_path: pathlib.Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(PAGE)
    SelfHostedFont().post_build(static_dir=tmp_path)
    assert (tmp_path / "index.html").read_text() == PAGE
