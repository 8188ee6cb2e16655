"""`make test`: unit, integration and end-to-end layers, each in its own pytest process.

Playwright keeps an event loop on the main thread, which clashes with pytest-asyncio, so the
browser layer runs apart (as Reflex's own suite does). Unit tests run first; then the integration
and browser layers run side by side (each on its own databases and ports): the browser layer spends
most of its time waiting for pages and the integration layer waiting for PostgreSQL, so together
they take little longer than the slower one. Each layer's output is printed whole when it ends.
Prints the counts of every layer, then what the security and accessibility tests measured (read
from the same junit reports).
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

STAGES = (  # layers of one stage run side by side; stages run one after the other
    (("unit", ["tests/unit", "-p", "no:playwright"]),),
    (("integration", ["tests/integration", "-p", "no:playwright"]), ("e2e", ["tests/e2e"])),
)


def _counts(report: pathlib.Path) -> dict[str, int]:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.exists():
        for suite in ET.parse(report).getroot().iter("testsuite"):
            for key in totals:
                totals[key] += int(suite.get(key, 0))
    return totals


def _testcases(report: pathlib.Path) -> list[ET.Element]:
    return list(ET.parse(report).getroot().iter("testcase")) if report.exists() else []


def security_line(reports: list[pathlib.Path]) -> str:
    """What the security tests measured, read from their reports: handlers in the inventory
    (`record_property("security_handlers_checked", n)`), webhook tests that refused an unsigned post
    (`record_property("security_webhook", ...)`), and whether every security-header test passed."""
    cases = [case for report in reports for case in _testcases(report)]
    properties = [(p.get("name"), p.get("value", "")) for case in cases for p in case.iter("property")]
    handlers = sum(int(value) for name, value in properties if name == "security_handlers_checked")
    webhooks = sum(1 for name, _ in properties if name == "security_webhook")
    header_cases = [c for c in cases if "test_headers" in c.get("classname", "")
                    or "security_headers" in c.get("classname", "")]
    broken = any(c.find("failure") is not None or c.find("error") is not None for c in header_cases)
    headers = "unchecked" if not header_cases else ("failed" if broken else "ok")
    return f"security: handlers checked={handlers} unsigned-webhooks refused={webhooks} headers={headers}"


def a11y_line(reports: list[pathlib.Path]) -> str:
    """What axe-core found (tests/e2e/test_accessibility.py records `a11y_pages` and `a11y_violations`
    per colour mode): pages counts each page once per mode."""
    properties = [(p.get("name"), p.get("value", "0")) for report in reports for case in _testcases(report)
                  for p in case.iter("property")]
    pages = [int(value) for name, value in properties if name == "a11y_pages"]
    if not pages:
        return "a11y: unchecked"
    violations = sum(int(value) for name, value in properties if name == "a11y_violations")
    return f"a11y: pages={sum(pages)} violations={violations}"


def run_stage(layers: tuple[tuple[str, list[str]], ...], tmp: pathlib.Path) -> dict[str, int]:
    """Run the layers side by side, each writing to its own log; print each log whole as it ends.
    Returns each layer's exit code."""
    running = {}
    for name, args in layers:
        log = (tmp / f"{name}.log").open("w+")
        proc = subprocess.Popen([sys.executable, "-m", "pytest", *args, f"--junitxml={tmp / f'{name}.xml'}", "-q"],
                                stdout=log, stderr=subprocess.STDOUT)
        running[name] = (proc, log)
    codes = {}
    while running:
        for name, (proc, log) in list(running.items()):
            if proc.poll() is None:
                continue
            log.seek(0)
            print(f"\n===== {name} =====\n{log.read()}", flush=True)
            log.close()
            codes[name] = proc.returncode
            del running[name]
        time.sleep(1)
    return codes


def main() -> int:
    summary, failed, reports = [], False, []
    with tempfile.TemporaryDirectory() as tmp:
        for stage in STAGES:
            codes = run_stage(stage, pathlib.Path(tmp))
            for name, _ in stage:
                report = pathlib.Path(tmp) / f"{name}.xml"
                reports.append(report)
                c = _counts(report)
                passed = c["tests"] - c["failures"] - c["errors"] - c["skipped"]
                summary.append(f"{name}: {passed} passed, {c['failures'] + c['errors']} failed, {c['skipped']} skipped")
                failed |= codes[name] != 0 or c["tests"] == 0
        summary.append(security_line(reports))
        summary.append(a11y_line(reports))
    print("\n".join(["", "test layers:", *(f"  {line}" for line in summary)]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
