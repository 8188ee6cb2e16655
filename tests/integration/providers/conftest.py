"""Each test gets fresh simulators served over real HTTP and clients with short timeouts and fast retries."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import pytest
import pytest_asyncio

from providers.airalo import AiraloProvider
from providers.esim_access import EsimAccessProvider
from providers.esim_go import EsimGoProvider
from providers.http import RetryPolicy
from providers.sandbox import airalo as airalo_sim
from providers.sandbox import esim_access as esim_access_sim
from providers.sandbox import esim_go as esim_go_sim
from providers.sandbox.faults import Faults
from providers.sandbox.server import Sandbox, run_simulators

TIMEOUT = 1.0
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, max_retry_after=1.0)


# Knobs tests may change, with the values every test starts from.
KNOBS = {
    "airalo": {"require_signature": False, "object_pages": False, "balance": Decimal(100000)},
    "esim_access": {"allocation_delay": 0.3, "require_signature": True, "balance": 10**12},
    "esim_go": {"bare_catalogue": False, "balance": Decimal(100000)},
}


@pytest.fixture(scope="module")
def _servers() -> Iterator[Sandbox]:
    with run_simulators() as running:
        yield running


@pytest.fixture
def sandbox(_servers: Sandbox) -> Sandbox:
    """The module's simulators with default knobs and no faults (tests use unique references)."""
    for provider, knobs in KNOBS.items():
        sim = _servers.sim(provider)
        sim.faults = Faults()
        for name, value in knobs.items():
            setattr(sim, name, value)
    return _servers


@pytest.fixture
def ref() -> str:
    return f"ord_{uuid.uuid4().hex[:12]}"


@pytest_asyncio.fixture(loop_scope="function")
async def airalo(sandbox: Sandbox) -> AsyncIterator[AiraloProvider]:
    client = AiraloProvider(
        client_id=airalo_sim.CLIENT_ID,
        client_secret=airalo_sim.CLIENT_SECRET,
        base_url=sandbox.urls["airalo"],
        timeout=TIMEOUT,
        retry=FAST_RETRY,
    )
    yield client
    await client.aclose()


@pytest_asyncio.fixture(loop_scope="function")
async def esim_access(sandbox: Sandbox) -> AsyncIterator[EsimAccessProvider]:
    client = EsimAccessProvider(
        access_code=esim_access_sim.ACCESS_CODE,
        secret_key=esim_access_sim.SECRET_KEY,
        base_url=sandbox.urls["esim_access"],
        timeout=TIMEOUT,
        retry=FAST_RETRY,
    )
    yield client
    await client.aclose()


@pytest_asyncio.fixture(loop_scope="function")
async def esim_go(sandbox: Sandbox) -> AsyncIterator[EsimGoProvider]:
    client = EsimGoProvider(
        api_key=esim_go_sim.API_KEY,
        base_url=sandbox.urls["esim_go"],
        timeout=TIMEOUT,
        retry=FAST_RETRY,
    )
    yield client
    await client.aclose()
