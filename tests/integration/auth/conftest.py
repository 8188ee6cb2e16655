"""Fixtures for sign-in tests: fresh addresses and IPs per test, codes read from the outbox."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable

import pytest
from sqlmodel import col, select

from services.accounts import codes
from services.core import db
from services.core.models import EmailOutbox
from tests.support.tabs import SignedIn, exchange


@pytest.fixture
def email(database_url: str) -> str:
    return f"c-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def ip() -> str:
    return "10." + ".".join(str(b) for b in secrets.token_bytes(3))


def latest_code(address: str) -> str:
    """The code in the newest email to `address`, as the customer reads it."""
    with db.session() as s:
        mail = s.exec(
            select(EmailOutbox).where(EmailOutbox.to_address == address).order_by(col(EmailOutbox.id).desc())
        ).first()
    assert mail is not None and mail.template == "login_code"
    found = re.search(r"^\s+(\d{6})$", mail.text_body, re.MULTILINE)
    assert found, "no code in the email"
    return found.group(1)


@pytest.fixture
def sign_in(ip: str) -> Callable[..., SignedIn]:
    """Sign a customer in through the real code flow, ticket exchanged as the sign-in route does."""

    def _sign_in(address: str, *, user_agent: str | None = "pytest") -> SignedIn:
        codes.request_login_code(address, ip=ip)
        return exchange(codes.verify_login_code(address, latest_code(address), ip=ip, user_agent=user_agent))

    return _sign_in
