"""`python -m esim_app.server run --env prod ...`: Reflex's own `reflex run`, with dead workers respawned.

Reflex starts Granian with Granian's default `respawn_failed_workers=False`, under which the death
of one worker (an out-of-memory kill, a crash) makes the supervisor stop every worker: one bad
process takes the whole site down. This runs the same `reflex run` command with Granian's
supervisor told to start a fresh worker instead, so the other workers keep serving and the
browsers of the dead one reconnect to them (their page state is in Redis). Granian still stops
if a worker dies again within seconds of its respawn (a crash loop).

With several workers (page state in Redis) each worker keeps the Redis lock of a tab it serves, and
that tab's state in memory, for a few seconds after an event (Reflex's opportunistic locking,
`REFLEX_OPLOCK_ENABLED`), instead of locking, reading and writing the state in Redis for every
event: a tab's events all reach the worker holding its websocket, and another worker that needs the
state (a reconnected tab) asks the holder to write it back. `bench/load.py` measured 34 Redis round
trips per event without it, 4.5 with it. The price: if a worker is killed, its tabs lose the page
state of their last few seconds (never data: orders, payments and accounts are in PostgreSQL, and the
pages' on_load rebuild the rest) and wait for the lock to expire (`redis_lock_expiration`, 10 s)
before the other worker serves them.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import granian.server


class RespawningServer(granian.server.Server):  # type: ignore[misc, valid-type]
    """Granian's server, respawning a worker that exits unexpectedly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "respawn_failed_workers": True})


def main() -> int:
    """Run Reflex's command line (its production server looks `granian.server.Server` up when it starts)."""
    granian.server.Server = RespawningServer
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
    from reflex.reflex import cli

    sys.argv[0] = "reflex"
    return cli()


if __name__ == "__main__":
    sys.exit(main())
