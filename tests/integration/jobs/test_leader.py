"""One scheduler at a time: the leadership passes to a follower when the leader is killed."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading

import pytest

pytestmark = pytest.mark.usefixtures("database_url")

CANDIDATE = """
import sys, time
from services.jobs.leader import Leadership
leadership = Leadership(sys.argv[1], retry_seconds=1).start()
while True:
    if leadership.wait_held(0.2):
        print("leader", flush=True)
        time.sleep(3600)
"""


def _candidate(url: str, said: queue.Queue) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", CANDIDATE, url], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "DATABASE_URL": url})
    threading.Thread(target=lambda: [said.put((process.pid, line.strip())) for line in process.stdout],
                     daemon=True).start()
    return process


def test_a_follower_takes_over_within_a_minute_of_the_leader_being_killed(database_url: str) -> None:
    said: queue.Queue = queue.Queue()
    candidates = {p.pid: p for p in (_candidate(database_url, said), _candidate(database_url, said))}
    try:
        # given two scheduler processes: exactly one leads
        leader, word = said.get(timeout=60)
        assert word == "leader"
        with pytest.raises(queue.Empty):
            said.get(timeout=3)  # the other one stays a follower while the leader lives
        # when the leader is killed without a chance to clean up
        os.kill(leader, signal.SIGKILL)
        candidates[leader].wait(timeout=10)
        # then the follower leads within a minute
        successor, word = said.get(timeout=60)
        assert word == "leader" and successor != leader
    finally:
        for process in candidates.values():
            process.kill()
            process.wait(timeout=10)
