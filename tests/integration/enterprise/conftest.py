"""Fixtures for the enterprise portal: fresh addresses, links read from the outbox as a user reads them."""

from __future__ import annotations

import re
import secrets
import uuid

import pytest
from sqlmodel import col, select

from services.core import db
from services.core.models import EmailOutbox

PASSWORD = "correct horse battery staple"


@pytest.fixture
def email(database_url: str) -> str:
    return f"e-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def ip() -> str:
    return "10." + ".".join(str(b) for b in secrets.token_bytes(3))


def emails_to(address: str) -> list[EmailOutbox]:
    with db.session() as s:
        return list(s.exec(select(EmailOutbox).where(EmailOutbox.to_address == address)
                           .order_by(col(EmailOutbox.id))))


def latest_link(address: str, kind: str = "invite") -> str:
    """The token of the newest `kind` link ("invite" or "reset") emailed to `address`."""
    mails = [m for m in emails_to(address) if m.template == f"enterprise_{kind}"]
    assert mails, f"no {kind} email to {address}"
    found = re.search(rf"/business/{kind}/([A-Za-z0-9_-]+)", mails[-1].text_body)
    assert found, "no link in the email"
    return found.group(1)
