"""Write mail to the outbox inside the caller's transaction; read it back as the sandbox inbox."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.core import db
from services.core.errors import ServiceError
from services.core.i18n import DEFAULT_LANGUAGE
from services.core.models import EmailOutbox, OutboxStatus, User
from services.core.qr import qr_png
from services.core.settings import get_settings, is_loopback
from services.notifications.render import render_email


class SandboxOnly(ServiceError):
    code = "sandbox_only"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with an email; with a `cid` it is shown inline (`<img src="cid:{cid}">`).

    With `qr_text` instead of `data` the file is a PNG QR code of that text, drawn when the mail
    is sent, so the transaction that queues the mail does not pay for the drawing.
    """

    filename: str
    content_type: str  # e.g. "image/png"
    data: bytes = b""
    cid: str | None = None
    qr_text: str | None = None

    @classmethod
    def qr_code(cls, filename: str, text: str, *, cid: str) -> Attachment:
        return cls(filename, "image/png", cid=cid, qr_text=text)

    def payload(self) -> bytes:
        return qr_png(self.qr_text) if self.qr_text is not None else self.data

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "data": base64.b64encode(self.data).decode(),
            "cid": self.cid,
            "qr_text": self.qr_text,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Attachment:
        data = base64.b64decode(value["data"])
        return cls(value["filename"], value["content_type"], data, value.get("cid"), value.get("qr_text"))


@dataclass(frozen=True, slots=True)
class InboxMessageView:
    id: int
    to: str
    subject: str
    text_body: str
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


# One row, through the table: no unit of work to flush (it cost more CPU than rendering the mail).
_ENQUEUE = sa.insert(EmailOutbox.__table__).returning(  # type: ignore[attr-defined]
    EmailOutbox.__table__.c.id)  # type: ignore[attr-defined]


def enqueue_email(
    session: Session,
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
    language: str | None = None,
) -> int:
    """Render `template` in `language` (default: the language of the customer with address `to`, else
    English) and add it to the outbox in `session`'s transaction (no commit); returns its id."""
    rendered = render_email(template, context, language or recipient_language(session, to))
    return session.connection().execute(_ENQUEUE, {
        "to_address": to, "subject": rendered.subject, "text_body": rendered.text, "html_body": rendered.html,
        "template": template, "attachments": [a.to_json() for a in attachments],
        "status": OutboxStatus.PENDING, "attempts": 0}).scalar_one()


def recipient_language(session: Session, address: str) -> str:
    """The preferred language of the customer with this email address; English for anyone else."""
    found = session.exec(select(User.language).where(col(User.email) == address.strip().lower())).first()
    return found or DEFAULT_LANGUAGE


def list_inbox(*, client_ip: str | None, limit: int = 50) -> list[InboxMessageView]:
    """The newest outbox messages, for the sandbox inbox page: only while mail stays here (not in
    production, no SMTP_HOST) and only for a client on this machine."""
    if not get_settings().sandbox_inbox:
        raise SandboxOnly("no sandbox inbox: production, or mail goes to SMTP_HOST")
    if not is_loopback(client_ip):
        raise SandboxOnly("the sandbox inbox answers only this machine")
    with db.session() as s:
        rows = s.exec(select(EmailOutbox).order_by(col(EmailOutbox.id).desc()).limit(limit)).all()
    return [
        InboxMessageView(
            id=r.id,  # type: ignore[arg-type]
            to=r.to_address,
            subject=r.subject,
            text_body=r.text_body,
            status=r.status,
            created_at=r.created_at,  # type: ignore[arg-type]
            sent_at=r.sent_at,
        )
        for r in rows
    ]
