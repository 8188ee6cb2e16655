"""A real SMTP server (aiosmtpd) on a free port, and settings pointing the sender at it.

`mailbox` offers STARTTLS with a self-signed certificate the sender is told to trust
(`SSL_CERT_FILE`); `plain_mailbox` offers no STARTTLS at all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import pathlib
import ssl
import threading
import uuid
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
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


def _self_signed(directory: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "smtp.crt", directory / "smtp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def _serve(box: Mailbox, **tls: object) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=box.authenticate, **tls)
    controller.start()
    return controller, port


@pytest.fixture
def mailbox(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Mailbox, int]]:
    cert_file, key_file = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # the sender trusts this server's certificate
    box = Mailbox()
    controller, port = _serve(box, tls_context=context, auth_require_tls=True)
    yield box, port
    controller.stop()


@pytest.fixture
def plain_mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A server that offers no STARTTLS (and would accept a login in the clear)."""
    box = Mailbox()
    controller, port = _serve(box, auth_require_tls=False)
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
