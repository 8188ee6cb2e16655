"""The business API over real HTTP: our Starlette routes served by uvicorn from a thread, two companies
with keys of every scope, eSIMs in stock and credit, and a plan on sale. The rate limit is lifted for the
package (the fuzzer makes hundreds of requests with one key); the rate-limit test lowers it for its own
key. Placed orders are not provisioned here (no simulators; the bulk-order tests cover provisioning)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import httpx
import pytest

from esim_app.http.api import build_api
from services.core import db, get_settings
from services.core.cache import invalidate_catalog_cache
from services.core.models import Package
from services.enterprise import provisioning
from tests.support.business_api import Company, make_company
from tests.support.http_server import serve

LIFTED_LIMIT = "100000"


@pytest.fixture(scope="package")
def lifted_rate_limit(database_url: str) -> Iterator[None]:
    previous = os.environ.get("API_RATE_LIMIT_PER_MINUTE")
    os.environ["API_RATE_LIMIT_PER_MINUTE"] = LIFTED_LIMIT
    get_settings.cache_clear()
    yield
    if previous is None:
        os.environ.pop("API_RATE_LIMIT_PER_MINUTE", None)
    else:
        os.environ["API_RATE_LIMIT_PER_MINUTE"] = previous
    get_settings.cache_clear()


@pytest.fixture(scope="package")
def no_provisioning() -> Iterator[list[int]]:
    """Bulk orders the API placed, instead of provisioning them."""
    started: list[int] = []
    original = provisioning.provision_in_background
    provisioning.provision_in_background = started.extend  # type: ignore[assignment]
    yield started
    provisioning.provision_in_background = original


@pytest.fixture(scope="package")
def api_url(lifted_rate_limit: None, no_provisioning: list[int]) -> Iterator[str]:
    """The base URL of the business API (`.../api/v1/business`)."""
    with serve(build_api()) as url:
        yield f"{url}/api/v1/business"


@pytest.fixture(scope="package")
def client(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as c:
        yield c


@pytest.fixture(scope="package")
def acme(lifted_rate_limit: None) -> Company:
    return make_company("Acme")


@pytest.fixture(scope="package")
def globex(lifted_rate_limit: None) -> Company:
    return make_company("Globex")


@pytest.fixture(scope="package")
def plan(database_url: str) -> str:
    """A plan on sale in Japan; its ref."""
    marker = uuid.uuid4().hex[:8]
    with db.session() as s:
        s.add(Package(slug=f"api-jp-{marker}", provider_id="airalo", provider_package_id=f"p-{marker}", kind="local",
                      destination_code="JP", destination_name="Japan", name="Japan 3 GB", data_mb=3072,
                      validity_days=15, cost_micros=4_000_000, price_cents=799, group_key=f"g-{marker}"))
        s.commit()
    invalidate_catalog_cache()
    return f"api-jp-{marker}"
