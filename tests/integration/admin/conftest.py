"""Admin catalogue and provider fixtures: the shared order world (own database, simulators over HTTP,
a synced catalogue)."""

import pytest

from services.admin.faces import catalog as catalog_face
from providers.registry import ProviderRegistry
from tests.support.orders import (  # noqa: F401  (fixtures)
    calm_simulators,
    customer,
    orders_db,
    registry,
    sandbox,
)


@pytest.fixture(autouse=True)
def admin_registry(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The admin face uses the test's registry (built in this test's event loop), not the process's."""
    if "sandbox" in request.fixturenames or "registry" in request.fixturenames:
        registry: ProviderRegistry = request.getfixturevalue("registry")
        monkeypatch.setattr(catalog_face, "get_registry", lambda: registry)
