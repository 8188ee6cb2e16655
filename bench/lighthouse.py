"""Lighthouse on a phone: prints figures, asserts nothing.

    make lighthouse                                   # builds and serves the app on a fresh database
    .venv/bin/python -m bench.lighthouse --url http://127.0.0.1:3000   # an app already running

Lighthouse 12.2.3 from the npm registry (the Makefile puts it in .tools/lighthouse), its default
mobile preset (simulated slow 4G, 4x CPU slowdown) driving Debian's Chromium headless, against the
production build on localhost. For `/`, a destination, a region, a plan, `/login` and a plan's
checkout (as a visitor sees it, signed out) it prints the four category scores and the first
contentful paint, largest contentful paint and cumulative layout shift; the full reports are kept
in test-artifacts/lighthouse/. The issue's goal: every
score ≥ 95 (SEO only on indexed pages: sign-in and checkout are `noindex`), CLS ≤ 0.05.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import subprocess
from collections.abc import Iterator

import httpx

from services.catalog.sync import run_sync_packages
from services.core import db, migrations
from services.core.cache import invalidate_catalog_cache
from services.core.settings import Settings
from services.sandbox import localstripe as localstripe_server
from services.sandbox import tooling as sandbox
from tests.conftest import use_database
from tests.support.database import fresh_database
from tests.support.server import ROOT, free_port, production_app

LIGHTHOUSE = ROOT / ".tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = (("FCP", "first-contentful-paint", 1000, "s"), ("LCP", "largest-contentful-paint", 1000, "s"),
           ("CLS", "cumulative-layout-shift", 1, ""))
ARTIFACTS = ROOT / "test-artifacts" / "lighthouse"  # the app's log and each page's full report


def pages(base_url: str) -> list[str]:
    """The pages of issue 13 item 3, with a plan sold in Japan for the plan and checkout pages."""
    answer = httpx.get(f"{base_url}/api/v1/packages", params={"destination": "JP"}, timeout=30)
    plan = answer.json()["offers"][0]["slug"]
    return ["/", "/destinations/japan", "/regions/europe", f"/plans/{plan}", "/login", f"/checkout/{plan}"]


def audit(url: str) -> dict:
    """One Lighthouse run (mobile preset) of `url`; its JSON report."""
    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
         f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout)


def row(route: str, report: dict) -> str:
    scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
    metrics = []
    for label, audit_id, scale, unit in METRICS:
        value = report["audits"][audit_id]["numericValue"] / scale
        metrics.append(f"{label} {value:.2f}{unit}" if unit else f"{label} {value:.3f}")
    load = f"load {os.getloadavg()[0]:.1f}"  # Lighthouse simulates from the CPU time it saw: a busy machine scores lower
    return f"{route:<34} " + " ".join(f"{s:>4}" for s in scores) + "   " + "  ".join(metrics) + "  " + load


@contextlib.contextmanager
def sandbox_app() -> Iterator[str]:
    """The production build in sandbox mode on a fresh database with the simulators' catalogue."""
    port, stripe_port = free_port(), free_port()
    with fresh_database("lighthouse") as url:
        use_database(url)
        migrations.upgrade()
        settings = Settings(_env_file=None, esim_env="test", app_port=port)
        with sandbox.command_registry(settings) as registry:
            run_sync_packages(registry)
        invalidate_catalog_cache()
        env = {"DATABASE_URL": url, "ESIM_ENV": "test", "SCHEDULER": "off",
               **sandbox.stripe_env(settings, port=stripe_port)}
        try:
            with production_app(env, ARTIFACTS / "app.log", port=port) as base_url:
                yield base_url
        finally:
            localstripe_server.stop(stripe_port)
            db.reset_engine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an app already serving its production build (default: start one)")
    args = parser.parse_args()
    assert LIGHTHOUSE.exists(), f"{LIGHTHOUSE} is missing: `make lighthouse` installs it"
    with contextlib.nullcontext(args.url.rstrip("/")) if args.url else sandbox_app() as base_url:
        print(f"{'page':<34} {'perf':>4} {'a11y':>4} {'b-p':>4} {'seo':>4}   "
              "metrics (Lighthouse 12.2.3, mobile)")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for route in pages(base_url):
            report = audit(base_url + route)
            name = route.strip("/").replace("/", "_") or "home"
            (ARTIFACTS / f"{name}.json").write_text(json.dumps(report))
            print(row(route, report), flush=True)
        print("SEO of /login and the checkout counts their intended noindex (is-crawlable) against them.")


if __name__ == "__main__":
    main()
