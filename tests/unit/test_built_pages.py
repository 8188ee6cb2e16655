"""A prerendered page answers at its own address, without a redirect to the address with a slash; the
other addresses of a route prerendered as a shell are answered with that shell."""

from __future__ import annotations

import pathlib

from starlette.applications import Starlette
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient

from esim_app.http.built_pages import BuiltPageAddresses


def _client(build: pathlib.Path) -> TestClient:
    (build / "login").mkdir(parents=True)
    (build / "login" / "index.html").write_text("<h1>Sign in</h1>")
    (build / "index.html").write_text("<h1>Home</h1>")
    (build / "favicon.ico").write_bytes(b"icon")
    static = Starlette()
    static.mount("/", StaticFiles(directory=build, html=True))
    return TestClient(BuiltPageAddresses(static, build_dir=build), follow_redirects=False)


def test_a_built_page_is_served_at_its_address_without_a_redirect(tmp_path: pathlib.Path) -> None:
    client = _client(tmp_path / "client")
    answer = client.get("/login")
    assert answer.status_code == 200 and answer.text == "<h1>Sign in</h1>"
    assert client.get("/login/").text == "<h1>Sign in</h1>"
    assert client.get("/").text == "<h1>Home</h1>"
    assert client.get("/favicon.ico").content == b"icon"


def test_other_paths_are_left_to_the_app(tmp_path: pathlib.Path) -> None:
    client = _client(tmp_path / "client")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "index.html").write_text("outside the build")
    assert client.get("/destinations/japan").status_code == 404  # no such page in this build
    assert not BuiltPageAddresses(client.app, build_dir=tmp_path / "client")._built("/../secret")
    assert client.post("/login").status_code != 200  # only GET and HEAD are rewritten


def test_a_routes_shell_answers_its_addresses_not_prerendered(tmp_path: pathlib.Path) -> None:
    client = _client(tmp_path / "client")
    (tmp_path / "client" / "plans" / "_shell").mkdir(parents=True)
    (tmp_path / "client" / "plans" / "_shell" / "index.html").write_text("<h1>A plan</h1>")
    (tmp_path / "client" / "plans" / "jp-1gb").mkdir()
    (tmp_path / "client" / "plans" / "jp-1gb" / "index.html").write_text("<h1>Japan 1 GB</h1>")
    assert client.get("/plans/de-5gb-30d").text == "<h1>A plan</h1>"
    assert client.get("/plans/de-5gb-30d?currency=EUR").text == "<h1>A plan</h1>"
    assert client.get("/plans/jp-1gb").text == "<h1>Japan 1 GB</h1>"  # a page of its own wins
    assert client.get("/checkout/de-5gb-30d").status_code == 404  # that route has no shell in this build
    assert client.get("/plans/de-5gb-30d/extra").status_code == 404  # nor does the route below it
