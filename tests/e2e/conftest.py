"""End-to-end fixtures: one production build per session, Chromium driven by Playwright."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import ConsoleMessage, Page, Response

from services.catalog.sync import run_sync_packages
from services.core.cache import invalidate_catalog_cache
from services.core.settings import Settings
from services.sandbox import localstripe as localstripe_server
from services.sandbox import tooling as sandbox
from tests.support.server import ROOT, free_port, production_app

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


# A built page of the app runs once its language is applied (`StorefrontState.visit`, or
# `LocaleState.negotiate` on portal pages); other documents at once.
APP_RUNS = "() => !window.__reactRouterContext || !!document.documentElement.dataset.language"


@pytest.fixture(scope="session", autouse=True)
def navigation_waits_for_the_app() -> Iterator[None]:
    """`goto` and `reload` return once the page's app runs, not at the load event: the built pages are
    painted before their JavaScript starts (`esim_app.plugins.PaintFirst`), and a field filled or a
    button clicked before then would do nothing, as for a visitor."""
    goto, reload = Page.goto, Page.reload

    def goto_app(self: Page, *args, **kwargs) -> Response | None:
        response = goto(self, *args, **kwargs)
        self.wait_for_function(APP_RUNS)
        return response

    def reload_app(self: Page, *args, **kwargs) -> Response | None:
        response = reload(self, *args, **kwargs)
        self.wait_for_function(APP_RUNS)
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Page, "goto", goto_app)
        patch.setattr(Page, "reload", reload_app)
        yield


APP_ENV: dict[str, str] = {}  # the running app's environment (its port, localstripe), for tests that set up data


@pytest.fixture(scope="session")
def app_url(database_url: str) -> Iterator[str]:
    """The production build in sandbox mode: this session's database with the simulators' catalogue,
    the provider simulators served by the app, and localstripe for payments."""
    port, stripe_port = free_port(), free_port()
    settings = Settings(_env_file=None, esim_env="test", app_port=port)
    with sandbox.command_registry(settings) as registry, ThreadPoolExecutor(1) as pool:
        # on a thread of its own: once a test has started Playwright (whose sync API keeps an event
        # loop running on this thread), `asyncio.run` here would fail
        pool.submit(run_sync_packages, registry).result()
    invalidate_catalog_cache()
    env = {"DATABASE_URL": database_url, "ESIM_ENV": "test", "SCHEDULER": "off",
           **sandbox.stripe_env(settings, port=stripe_port)}
    APP_ENV.update(env, APP_PORT=str(port))
    try:
        with production_app(env, ARTIFACTS / "app.log", port=port) as url:
            yield url
    finally:
        localstripe_server.stop(stripe_port)


@pytest.fixture(autouse=True)
def no_backend_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test during which the app logged a backend exception (the user saw an error toast)."""
    if "app_url" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app_url")  # the app (and its log) exist before we look
    log = ARTIFACTS / "app.log"
    start = log.stat().st_size
    yield
    with log.open(errors="replace") as f:
        f.seek(start)
        new = f.read()
    assert "Traceback" not in new, f"the app raised during this test:\n{new[-3000:]}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_FAILED] = report.failed


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(page: Page, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Playwright's page, plus a screenshot and the console log when the test fails."""
    console: list[str] = []

    def record(message: ConsoleMessage) -> None:
        console.append(f"{message.type}: {message.text}")

    page.on("console", record)
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    yield page
    if request.node.stash.get(_FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name.replace("/", "_")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        pathlib.Path(ARTIFACTS / f"{name}.console.log").write_text("\n".join(console))
