"""A production build has no sandbox: no `/_sandbox` route, no inbox page, no inbox handler.

The app module is imported as Reflex imports it, in a child process (a module-level app cannot be
built twice in one), once with a valid production configuration and once in development as the
control that the listing sees the sandbox when it is there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.unit.test_settings import PRODUCTION_OK

LISTING = """
import json
import reflex as rx
import esim_app.esim_app as module
from esim_app.http import api

def walk(cls):
    for sub in cls.get_substates():
        yield sub
        yield from walk(sub)

module.app._apply_decorated_pages()  # as the compiler does first
print(json.dumps({
    "pages": sorted(module.app._unevaluated_pages),
    "routes": sorted(getattr(r, "path", "") for r in api.api.routes),
    "handlers": sorted(f"{s.get_full_name()}.{h}" for s in walk(rx.State) for h in s.event_handlers),
}))
"""


def _listing(env: dict[str, str]) -> dict[str, list[str]]:
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("ESIM_", "STRIPE_", "SMTP_", "AIRALO_", "PUBLIC_URL", "ENCRYPTION_"))}
    result = subprocess.run([sys.executable, "-c", LISTING], env={**keep, **env}, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _sandbox_parts(listing: dict[str, list[str]]) -> list[str]:
    return ([p for p in listing["pages"] if "sandbox" in p]
            + [r for r in listing["routes"] if r.startswith("/_sandbox")]
            + [h for h in listing["handlers"] if "inbox" in h])


def test_production_lists_no_sandbox_route_page_or_handler(database_url: str) -> None:
    production = _listing(PRODUCTION_OK)
    assert "checkout/[plan_ref]" in production["pages"] and "/api/health" in production["routes"]
    assert _sandbox_parts(production) == []


def test_the_listing_sees_the_sandbox_in_development(database_url: str) -> None:
    development = _sandbox_parts(_listing({"ESIM_ENV": "development"}))
    assert "sandbox/inbox" in development and "/_sandbox/providers/airalo" in development
    assert any(h.endswith("inbox_state.load") for h in development)
