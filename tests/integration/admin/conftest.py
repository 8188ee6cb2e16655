"""Admin fixtures: the shared order world (own database, simulators over HTTP, a synced catalogue)
for the catalogue and provider pages; signed-in staff of each role, invitation links read from the
outbox as the invitee reads them, audit rows for the staff pages."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlmodel import col, select

from providers.registry import ProviderRegistry
from services.accounts import passwords
from services.admin.faces import catalog as catalog_face
from services.core import db
from services.core.models import AuditLog, EmailOutbox
from tests.support.orders import (  # noqa: F401  (fixtures)
    calm_simulators,
    customer,
    orders_db,
    registry,
    sandbox,
)
from tests.support.staff import staff_sign_in
from tests.support.tabs import SignedIn, exchange

PASSWORD = "a long staff passphrase"


def new_staff(role: str = "owner") -> SignedIn:
    """A staff account of `role` (created as `esim create-admin` does), signed in with password + TOTP."""
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
    passwords.create_admin(email, PASSWORD, staff_role=role)
    return exchange(staff_sign_in(email, PASSWORD, ip="10.20.0.1"))


def invite_link(address: str) -> str:
    with db.session() as s:
        mails = list(s.exec(select(EmailOutbox).where(EmailOutbox.to_address == address, EmailOutbox.template == "staff_invite")
                            .order_by(col(EmailOutbox.id))))
    assert mails, f"no staff invitation to {address}"
    found = re.search(r"/admin/invite/([A-Za-z0-9_-]+)", mails[-1].text_body)
    assert found, "no link in the email"
    return found.group(1)


def audit_rows(action: str, entity_id: str | int) -> list[AuditLog]:
    with db.session() as s:
        return list(s.exec(select(AuditLog).where(AuditLog.action == action, AuditLog.entity_id == str(entity_id))
                           .order_by(col(AuditLog.id))))


@pytest.fixture(autouse=True)
def admin_registry(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The admin face uses the test's registry (built in this test's event loop), not the process's."""
    if "sandbox" in request.fixturenames or "registry" in request.fixturenames:
        registry: ProviderRegistry = request.getfixturevalue("registry")
        monkeypatch.setattr(catalog_face, "get_registry", lambda: registry)
