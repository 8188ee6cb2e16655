"""A real SMTP server (aiosmtpd) on a free port, and settings pointing the sender at it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
import uuid
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import col

from services.core import db
from services.core.models import EmailOutbox
from services.core.settings import get_settings
from tests.support.server import free_port

SMTP_USER, SMTP_PASS = "mailer", "s3cret-mail-pass"


class Mailbox:
    """An aiosmtpd handler that keeps every message; refuses recipients at `refuse.example`."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.logins: list[str] = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201
        if address.endswith("@refuse.example"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        await asyncio.sleep(0.005)  # long enough for parallel senders to overlap
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN201
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            SMTP_USER.encode(), SMTP_PASS.encode())
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=box.authenticate,
                            auth_require_tls=False)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def mail_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set mail variables with `mail_settings.setenv(...)`; settings are reloaded after each test."""
    monkeypatch.setenv("SMTP_FROM", "Wayfarer <no-reply@wayfarer.example>")
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def smtp(mailbox: tuple[Mailbox, int], mail_settings: pytest.MonkeyPatch) -> Mailbox:
    box, port = mailbox
    mail_settings.setenv("SMTP_HOST", "127.0.0.1")
    mail_settings.setenv("SMTP_PORT", str(port))
    get_settings.cache_clear()
    return box


@pytest.fixture(autouse=True)
def empty_outbox(database_url: str) -> None:
    """Mail other tests queued is not this test's business: mark it sent."""
    with db.get_engine().begin() as conn:
        conn.execute(sa.update(EmailOutbox).where(col(EmailOutbox.status).in_(["pending", "sending"]))
                     .values(status="sent"))


@pytest.fixture
def address() -> str:
    return f"n-{uuid.uuid4().hex[:12]}@example.com"
