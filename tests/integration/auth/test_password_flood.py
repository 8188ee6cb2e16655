"""A flood of password sign-ins neither stalls the event loop nor the threads other requests use."""

from __future__ import annotations

import asyncio
import time

from services import accounts
from services.accounts import errors


async def test_a_flood_of_password_checks_leaves_the_app_responsive(database_url: str) -> None:
    # given sixty password sign-ins at once, each from its own IP (so no rate limit applies)
    async def attempt(n: int) -> str:
        try:
            await accounts.begin_staff_sign_in(f"flood-{n}@example.com", "wrong password!",
                                               ip=f"10.220.{n}.1", user_agent=None)
        except errors.RateLimited:
            return "busy"
        except errors.InvalidCredentials:
            return "checked"
        return "signed in"

    flood = [asyncio.create_task(attempt(n)) for n in range(60)]
    await asyncio.sleep(0.3)  # the checks are under way
    # when another customer's page asks for something meanwhile
    started = time.monotonic()
    await accounts.resolve_session("some-token")
    answered_in = time.monotonic() - started
    outcomes = await asyncio.gather(*flood)
    # then it is answered at once, and the checks beyond a short queue were refused, not queued
    assert answered_in < 0.5, f"a page waited {answered_in:.1f}s behind password checks"
    assert outcomes.count("busy") >= 40 and outcomes.count("checked") >= 2
    assert "signed in" not in outcomes
