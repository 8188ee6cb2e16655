"""Deliver outbox mail over SMTP: claim rows briefly, send outside any transaction, record the outcome.

Claiming marks rows `sending` with a lease (`next_attempt_at` = now + LEASE) under
`FOR UPDATE SKIP LOCKED`, so parallel senders never take the same row. A row whose sender died
is claimed again once its lease runs out (at-least-once; the Message-ID stays the same). Without
SMTP_HOST (sandbox, never production) a claimed row is simply marked sent: the outbox is then the
inbox. A delivered or finally failed message keeps its subject but loses its body and attachments,
so sign-in codes and activation strings do not stay in the table. TLS is mandatory unless
SMTP_SECURITY=none (local test servers): no mail and no password cross a connection without it.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any, Self

import sqlalchemy as sa
from sqlmodel import col

from services.core import db
from services.core.logs import redact
from services.core.models import EmailOutbox, OutboxStatus
from services.core.settings import Settings, get_settings
from services.notifications.outbox import Attachment

log = logging.getLogger(__name__)

BACKOFF = tuple(dt.timedelta(minutes=m) for m in (1, 5, 15, 60, 240))
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = dt.timedelta(minutes=15)
SMTP_TIMEOUT_SECONDS = 20.0
MAX_ERROR_CHARS = 500
BODY_REMOVED = "(body removed after delivery)"


@dataclass(frozen=True, slots=True)
class SendReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    to_address: str
    subject: str
    text_body: str
    html_body: str
    attachments: list[dict[str, Any]]
    attempts: int
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class _Undelivered:
    """Why one message was not delivered; `permanent` when resending cannot help (a 5xx answer)."""

    reason: str
    permanent: bool


_NO_HOST = _Undelivered("SMTP_HOST is not set", permanent=False)


def send_due_emails(*, limit: int = 50, now: dt.datetime | None = None) -> SendReport:
    """Send up to `limit` due outbox messages; safe to run in several processes at once."""
    now = now or dt.datetime.now(dt.UTC)
    settings = get_settings()
    claimed = _claim(limit=limit, now=now)
    counts = dict.fromkeys((OutboxStatus.SENT, OutboxStatus.PENDING, OutboxStatus.FAILED), 0)
    with _Connection(settings) as smtp:
        for message in claimed:
            if settings.smtp_host:
                error = smtp.send(message)
            else:  # the sandbox inbox keeps it; production never calls a message sent without a server
                error = None if settings.sandbox_inbox else _NO_HOST
            counts[_record(message, error, now=now, keep_body=settings.sandbox_inbox)] += 1
    report = SendReport(len(claimed), *counts.values())
    if claimed:
        log.info("email outbox: claimed %d, sent %d, retried %d, failed %d",
                 report.claimed, report.sent, report.retried, report.failed)
    return report


class _Connection:
    """One SMTP connection for a batch: opened on first use, reopened after a drop. When it
    cannot be opened, every later message of the batch waits for its retry without trying."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._unreachable: _Undelivered | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close()

    def send(self, message: _Claimed) -> _Undelivered | None:
        if self._unreachable:
            return self._unreachable
        try:
            self._smtp = self._smtp or _connect(self._settings)
        except OSError as exc:  # smtplib.SMTPException is an OSError too
            self._unreachable = _Undelivered(_reason(exc), permanent=False)
            return self._unreachable
        try:
            self._smtp.send_message(_build(message, self._settings))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            return _Undelivered(_reason(exc), permanent=all(c >= 500 for c in codes))
        except smtplib.SMTPResponseException as exc:
            return _Undelivered(_reason(exc), permanent=exc.smtp_code >= 500)
        except OSError as exc:  # the connection dropped: reconnect for the next message
            self._close()
            return _Undelivered(_reason(exc), permanent=False)
        return None

    def _close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except OSError:
            smtp.close()


def _claim(*, limit: int, now: dt.datetime) -> list[_Claimed]:
    due = (
        sa.select(EmailOutbox.id)
        .where(col(EmailOutbox.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
        .where(col(EmailOutbox.next_attempt_at) <= now)
        .order_by(col(EmailOutbox.next_attempt_at), col(EmailOutbox.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claim = (
        sa.update(EmailOutbox)
        .where(col(EmailOutbox.id).in_(due.scalar_subquery()))
        .values(status=OutboxStatus.SENDING, attempts=col(EmailOutbox.attempts) + 1,
                next_attempt_at=now + LEASE)
        .returning(*(getattr(EmailOutbox, f) for f in _Claimed.__dataclass_fields__))
    )
    with db.session() as s, s.begin():
        rows = s.exec(claim).all()
    return sorted((_Claimed(*row) for row in rows), key=lambda m: m.id)


def _record(message: _Claimed, error: _Undelivered | None, *, now: dt.datetime, keep_body: bool) -> OutboxStatus:
    body_gone = {} if keep_body else {"text_body": BODY_REMOVED, "html_body": "", "attachments": []}
    if error is None:
        status, values = OutboxStatus.SENT, {"sent_at": now, "last_error": None, **body_gone}
    elif error.permanent or message.attempts >= MAX_ATTEMPTS:
        status, values = OutboxStatus.FAILED, {"last_error": error.reason, **body_gone}
    else:
        status = OutboxStatus.PENDING
        values = {"next_attempt_at": now + BACKOFF[message.attempts - 1], "last_error": error.reason}
    if error is not None:
        log.warning("email %d not delivered (attempt %d, now %s): %s",
                    message.id, message.attempts, status, error.reason)
    with db.session() as s, s.begin():
        s.execute(  # the attempt count fences off a sender whose lease ran out meanwhile
            sa.update(EmailOutbox)
            .where(col(EmailOutbox.id) == message.id, col(EmailOutbox.status) == OutboxStatus.SENDING)
            .where(col(EmailOutbox.attempts) == message.attempts)
            .values(status=status, **values)
        )
    return status


class TlsRequired(smtplib.SMTPException):
    """The server did not offer STARTTLS although SMTP_SECURITY requires it."""


def _connect(settings: Settings) -> smtplib.SMTP:
    """Connect over TLS (implicit, or STARTTLS which must be offered) unless SMTP_SECURITY=none;
    log in when SMTP_USER is set, and only over TLS."""
    context = ssl.create_default_context()
    if settings.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port,
                                              timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        smtp.ehlo()
        encrypted = settings.smtp_security == "tls"
        if settings.smtp_security == "starttls":
            if not smtp.has_extn("starttls"):
                raise TlsRequired("the server did not offer STARTTLS (SMTP_SECURITY=starttls)")
            smtp.starttls(context=context)
            smtp.ehlo()
            encrypted = True
        if settings.smtp_user:
            if not encrypted:
                raise TlsRequired("refusing to send SMTP_PASS over a connection without TLS")
            smtp.login(settings.smtp_user, settings.smtp_pass)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _build(message: _Claimed, settings: Settings) -> EmailMessage:
    """multipart/alternative (text, html); inline images as related parts; other files attached."""
    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "localhost"
    msg = EmailMessage()
    msg["Subject"] = message.subject
    msg["From"] = settings.smtp_from
    msg["To"] = message.to_address
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = f"<outbox.{message.id}.{int(message.created_at.timestamp())}@{domain}>"
    msg.set_content(message.text_body)
    msg.add_alternative(message.html_body, subtype="html")
    html = msg.get_payload()[1]  # type: ignore[index]
    for attachment in map(Attachment.from_json, message.attachments):
        maintype, _, subtype = attachment.content_type.partition("/")
        if attachment.cid:
            html.add_related(attachment.payload(), maintype, subtype, cid=f"<{attachment.cid}>",
                             filename=attachment.filename, disposition="inline")
        else:
            msg.add_attachment(attachment.payload(), maintype, subtype, filename=attachment.filename)
    return msg


def _reason(exc: BaseException) -> str:
    """A short, secret-free description for `last_error` and the log."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = ", ".join(str(code) for code, _ in exc.recipients.values())
        reason = f"recipient refused ({codes})"
    elif isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else error
        reason = f"{type(exc).__name__}: {exc.smtp_code} {text}"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return redact(" ".join(reason.split()))[:MAX_ERROR_CHARS]
