"""Main-thread work of loading the Lighthouse pages on a phone-sized Chromium: prints figures, asserts nothing.

    .venv/bin/python -m bench.hydration                                    # builds and serves the app
    .venv/bin/python -m bench.hydration --url http://127.0.0.1:3000 --url http://127.0.0.1:3001   # A/B, interleaved

Lighthouse's total blocking time is simulated from the wall-clock length of the page's tasks, so on a
busy machine it measures the machine as much as the page. This counts CPU instead: a Chromium trace of
each load (no throttling) gives every task of the page's renderer main thread with its thread-clock
time. Per page, the median over the runs of: main-thread CPU (ms), of it script (ms, outermost script
events), tasks over 12.5 ms (long tasks once Lighthouse's 4x CPU slowdown applies), the blocking time
those tasks would add at 4x (sum of 4 x CPU - 50 ms; before the first paint too, so above Lighthouse's
figure), and the JavaScript fetched (kB, uncompressed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile

from playwright.sync_api import Browser, sync_playwright

from bench.lighthouse import CHROMIUM, pages, sandbox_app

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "toplevel"]
SCRIPT_EVENTS = {"EvaluateScript", "FunctionCall", "v8.compile", "v8.compileModule", "v8.evaluateModule",
                 "EventDispatch", "TimerFire", "FireAnimationFrame", "RunMicrotasks"}
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True}
SLOWDOWN, LONG_TASK_MS = 4, 50
FIGURES = ("main", "script", "long", "blocking", "js_kb")


def _page_thread(events: list[dict], host: str) -> list[dict]:
    """The complete events of the renderer main thread that loaded a page of `host`."""
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    pids = {e["pid"] for e in events if host in json.dumps(e.get("args", {}))}
    mains = {k for k, name in names.items() if name == "CrRendererMain" and k[0] in pids}
    by_thread: dict[tuple[int, int], list[dict]] = {}
    for e in events:
        if e.get("ph") == "X" and (e["pid"], e.get("tid")) in mains:
            by_thread.setdefault((e["pid"], e["tid"]), []).append(e)
    busiest = max(by_thread.values(), key=lambda evs: sum(e.get("tdur", 0) for e in evs if e["name"] == "RunTask"))
    return sorted(busiest, key=lambda e: (e["ts"], -e.get("dur", 0)))


def figures(events: list[dict], host: str, js_bytes: int) -> dict[str, float]:
    """The figures of one load from its trace events (CPU in ms)."""
    thread = _page_thread(events, host)
    tasks = [e.get("tdur", 0) / 1000 for e in thread if e["name"] == "RunTask"]
    script, end = 0.0, -1
    for e in thread:
        if e["name"] in SCRIPT_EVENTS and e["ts"] >= end:  # outermost script events only
            script += e.get("tdur", 0) / 1000
            end = e["ts"] + e.get("dur", 0)
    return {"main": sum(tasks), "script": script,
            "long": sum(1 for t in tasks if t * SLOWDOWN > LONG_TASK_MS),
            "blocking": sum(max(0.0, t * SLOWDOWN - LONG_TASK_MS) for t in tasks), "js_kb": js_bytes / 1024}


def load(browser: Browser, url: str) -> dict[str, float]:
    """Open `url` in a fresh phone-sized context, wait until the app ran and the network is idle, measure."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    path = tempfile.mktemp(suffix=".json")
    browser.start_tracing(page=page, path=path, categories=CATEGORIES)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(2000)  # the state's first render after the websocket's answer
    js_bytes = page.evaluate("performance.getEntriesByType('resource').filter(r => r.name.endsWith('.js'))"
                             ".reduce((total, r) => total + r.decodedBodySize, 0)")
    browser.stop_tracing()
    context.close()
    with open(path) as trace:
        events = json.load(trace)["traceEvents"]
    os.unlink(path)
    return figures(events, url.split("/")[2], js_bytes)


def report(base_urls: list[str], runs: int) -> None:
    """Each page on each server in turn, `runs` times; one line per page and server."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        routes = {url: pages(url) for url in base_urls}
        print(f"median of {runs} loads; CPU ms of the page's main thread (unthrottled) / of it script / "
              f"tasks long at {SLOWDOWN}x / their blocking at {SLOWDOWN}x / JS kB")
        for index in range(len(routes[base_urls[0]])):
            results: dict[str, list[dict[str, float]]] = {url: [] for url in base_urls}
            for _ in range(runs):
                for url in base_urls:
                    results[url].append(load(browser, url + routes[url][index]))
            for url, loads in results.items():
                m = {k: statistics.median(r[k] for r in loads) for k in FIGURES}
                print(f"{routes[url][index][:30]:<30} {url.rsplit(':', 1)[-1]:>5}  main {m['main']:4.0f}  "
                      f"script {m['script']:4.0f}  long {m['long']:2.0f}  blocking {m['blocking']:4.0f}  "
                      f"JS {m['js_kb']:4.0f}", flush=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", action="append", help="an app serving its production build (repeat for A/B)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with contextlib.nullcontext(None) if args.url else sandbox_app() as started:
        report([u.rstrip("/") for u in args.url] if args.url else [started], args.runs)


if __name__ == "__main__":
    main()
