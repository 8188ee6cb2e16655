"""`python -m esim_app.server run --env prod ...`: Reflex's own `reflex run`, with dead workers respawned.

Reflex starts Granian with Granian's default `respawn_failed_workers=False`, under which the death
of one worker (an out-of-memory kill, a crash) makes the supervisor stop every worker: one bad
process takes the whole site down. This runs the same `reflex run` command with Granian's
supervisor told to start a fresh worker instead, so the other workers keep serving and the
browsers of the dead one reconnect to them (their page state is in Redis). Granian still stops
if a worker dies again within seconds of its respawn (a crash loop).
"""

from __future__ import annotations

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
    from reflex.reflex import cli

    sys.argv[0] = "reflex"
    return cli()


if __name__ == "__main__":
    sys.exit(main())
