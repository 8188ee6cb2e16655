"""Start-up and front-end weight: prints figures, asserts nothing.

    .venv/bin/python bench/startup.py

1. Seconds from `make run` in a fresh clone (installs, embedded PostgreSQL, build) until `/`
   answers 200 — goal ≤ 180 s — then the same for a second, warm `make run` — goal ≤ 30 s.
2. Gzipped bytes of the JavaScript the landing page loads in Chromium — goal ≤ 400 KB.
3. First contentful paint of `/` in Chromium on localhost, median of 5 cold loads — goal ≤ 1.0 s.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.support.server import free_port  # noqa: E402


def _time_make_run(clone: pathlib.Path, port: int, log: pathlib.Path) -> tuple[float, subprocess.Popen]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "VIRTUAL_ENV"))}
    env["APP_PORT"] = str(port)
    started = time.monotonic()
    proc = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    while proc.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return time.monotonic() - started, proc
        time.sleep(0.25)
    raise RuntimeError(f"make run exited {proc.returncode}; see {log}")


def _stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _stop_embedded_postgres(clone: pathlib.Path) -> None:
    pg_ctl = next(pathlib.Path(sys.prefix).glob("lib/python*/site-packages/pgserver/pginstall/bin/pg_ctl"), None)
    if pg_ctl and (clone / ".data" / "pg").exists():
        subprocess.run([str(pg_ctl), "-D", str(clone / ".data" / "pg"), "stop", "-m", "fast"],
                       capture_output=True, check=False)


def _browser_figures(url: str) -> tuple[int, int, list[float]]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        scripts: dict[str, bytes] = {}
        ctx = browser.new_context()
        page = ctx.new_page()
        page.on("response", lambda r: scripts.setdefault(r.url, r.body()) if r.request.resource_type == "script"
                else None)
        page.goto(url, wait_until="networkidle")
        ctx.close()
        raw = sum(len(body) for body in scripts.values())
        zipped = sum(len(gzip.compress(body, compresslevel=9)) for body in scripts.values())
        paints = []
        for _ in range(5):
            ctx = browser.new_context()
            page = ctx.new_page()
            page.goto(url, wait_until="load")
            paints.append(page.evaluate(
                "() => new Promise(done => new PerformanceObserver((list, obs) => {"
                " const e = list.getEntriesByName('first-contentful-paint')[0];"
                " if (e) { obs.disconnect(); done(e.startTime); } })"
                ".observe({type: 'paint', buffered: true}))"))
            ctx.close()
        browser.close()
    return raw, zipped, paints


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="esim-startup-") as tmp:
        clone = pathlib.Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        port = free_port()
        try:
            cold, proc = _time_make_run(clone, port, pathlib.Path(tmp) / "cold.log")
            print(f"make run, fresh clone (venv, packages, bun, embedded PostgreSQL, build): {cold:.1f} s "
                  "(goal <= 180 s; pip's local cache was warm)")
            raw, zipped, paints = _browser_figures(f"http://127.0.0.1:{port}/")
            _stop(proc)
            warm, proc = _time_make_run(clone, port, pathlib.Path(tmp) / "warm.log")
            print(f"make run, second start: {warm:.1f} s (goal <= 30 s)")
            _stop(proc)
        finally:
            _stop_embedded_postgres(clone)
    print(f"landing page JavaScript: {raw / 1024:.0f} KB raw, {zipped / 1024:.0f} KB gzipped (goal <= 400 KB)")
    print(f"first contentful paint of /: median {statistics.median(paints):.0f} ms, "
          f"max {max(paints):.0f} ms over {len(paints)} cold loads (goal <= 1000 ms)")


if __name__ == "__main__":
    main()
