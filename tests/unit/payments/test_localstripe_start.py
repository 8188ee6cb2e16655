"""Starting localstripe gives up only when it must, and says clearly why."""

from __future__ import annotations

import subprocess
import sys

import pytest

from services.sandbox import localstripe


def test_a_server_that_never_answers_fails_with_a_timeout_naming_the_address() -> None:
    port = localstripe.free_port()  # nothing listens there
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(TimeoutError, match=rf"127\.0\.0\.1:{port} within 0\.5 s"):
            localstripe._wait_until_answering(f"http://127.0.0.1:{port}", proc, timeout=0.5)
    finally:
        localstripe.terminate(proc)


def test_a_server_that_exits_fails_at_once_with_its_exit_code() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc.wait()
    with pytest.raises(RuntimeError, match="exited with 3"):
        localstripe._wait_until_answering("http://127.0.0.1:9", proc, timeout=30)
