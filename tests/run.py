"""`make test`: unit, integration and end-to-end layers, each in its own pytest process.

Playwright keeps an event loop on the main thread, which clashes with pytest-asyncio, so the
browser layer runs apart (as Reflex's own suite does). Prints the counts of every layer.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

LAYERS = (
    ("unit", ["tests/unit", "-p", "no:playwright"]),
    ("integration", ["tests/integration", "-p", "no:playwright"]),
    ("e2e", ["tests/e2e"]),
)


def _counts(report: pathlib.Path) -> dict[str, int]:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.exists():
        for suite in ET.parse(report).getroot().iter("testsuite"):
            for key in totals:
                totals[key] += int(suite.get(key, 0))
    return totals


def main() -> int:
    summary, failed = [], False
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in LAYERS:
            report = pathlib.Path(tmp) / f"{name}.xml"
            code = subprocess.call([sys.executable, "-m", "pytest", *args, f"--junitxml={report}", "-q"])
            c = _counts(report)
            passed = c["tests"] - c["failures"] - c["errors"] - c["skipped"]
            summary.append(f"{name}: {passed} passed, {c['failures'] + c['errors']} failed, {c['skipped']} skipped")
            failed |= code != 0 or c["tests"] == 0
    print("\n".join(["", "test layers:", *(f"  {line}" for line in summary)]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
