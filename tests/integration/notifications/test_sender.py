"""The sender delivers outbox mail over real SMTP, retries with backoff, and never sends twice."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
import re
import threading

import pytest

from services.accounts import codes
from services.core import db
from services.core.models import EmailOutbox
from services.core.settings import get_settings
from services.notifications import Attachment, SendReport, enqueue_email, send_due_emails
from services.notifications.sender import BACKOFF, MAX_ATTEMPTS
from tests.integration.notifications.conftest import SMTP_PASS, SMTP_USER, Mailbox
from tests.support.server import free_port

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def _enqueue(address: str, code: str = "424242", attachments: tuple[Attachment, ...] = ()) -> int:
    with db.session() as s, s.begin():
        return enqueue_email(s, to=address, template="login_code",
                             context={"code": code, "valid_minutes": 5}, attachments=attachments)


def _row(outbox_id: int) -> EmailOutbox:
    with db.session() as s:
        return s.get(EmailOutbox, outbox_id)  # type: ignore[return-value]


def test_mail_is_delivered_as_text_and_html(smtp: Mailbox, address: str) -> None:
    outbox_id = _enqueue(address)
    assert send_due_emails() == SendReport(claimed=1, sent=1)
    (message,) = smtp.to(address)
    assert message["Subject"] == "Your Wayfarer sign-in code"
    assert message["From"] == "Wayfarer <no-reply@wayfarer.example>"
    assert message.get_content_type() == "multipart/alternative"
    assert "424242" in message.get_body(("plain",)).get_content()
    assert "424242" in message.get_body(("html",)).get_content()
    assert message["Message-ID"].endswith("@wayfarer.example>")
    row = _row(outbox_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None) and row.sent_at is not None


def test_inline_images_are_related_parts_and_files_are_attached(smtp: Mailbox, address: str) -> None:
    _enqueue(address, attachments=(Attachment("esim-qr.png", "image/png", PNG, cid="qr-1"),
                                   Attachment("receipt.txt", "text/plain", b"paid 12.00 USD")))
    send_due_emails()
    (message,) = smtp.to(address)
    assert message.get_content_type() == "multipart/mixed"
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    html, image = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert image["Content-ID"] == "<qr-1>" and image.get_content() == PNG
    (receipt,) = message.iter_attachments()
    assert receipt.get_filename() == "receipt.txt" and receipt.get_content() == "paid 12.00 USD"


def test_a_qr_code_attachment_is_drawn_at_send_time_and_scans_back(smtp: Mailbox, address: str) -> None:
    import io

    import zxingcpp
    from PIL import Image

    lpa = "LPA:1$rsp.example.com$K2-QR-TEST"
    outbox_id = _enqueue(address, attachments=(Attachment.qr_code("qr.png", lpa, cid="qr-2"),))
    assert _row(outbox_id).attachments[0]["data"] == ""  # nothing drawn while queueing
    send_due_emails()
    (message,) = smtp.to(address)
    image = next(p for p in message.walk() if p["Content-ID"] == "<qr-2>")
    assert image.get_content_type() == "image/png"
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))[0].text == lpa


def test_a_refused_connection_is_retried_after_a_minute_then_delivered(
    mailbox: tuple[Mailbox, int], mail_settings: pytest.MonkeyPatch, address: str
) -> None:
    box, port = mailbox
    mail_settings.setenv("SMTP_HOST", "127.0.0.1")
    mail_settings.setenv("SMTP_PORT", str(free_port()))  # nothing listens there
    get_settings.cache_clear()
    outbox_id, now = _enqueue(address), dt.datetime.now(dt.UTC)
    assert send_due_emails(now=now).retried == 1
    row = _row(outbox_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, now + dt.timedelta(minutes=1))
    assert row.last_error.startswith("ConnectionRefusedError")
    # when the server is back, nothing is resent before the backoff has passed
    mail_settings.setenv("SMTP_PORT", str(port))
    get_settings.cache_clear()
    assert send_due_emails(now=now + dt.timedelta(seconds=30)).claimed == 0
    assert send_due_emails(now=now + dt.timedelta(seconds=61)).sent == 1
    assert len(box.to(address)) == 1 and _row(outbox_id).attempts == 2


def test_backoff_grows_and_the_message_fails_after_the_last_attempt(
    mail_settings: pytest.MonkeyPatch, address: str
) -> None:
    mail_settings.setenv("SMTP_HOST", "127.0.0.1")
    mail_settings.setenv("SMTP_PORT", str(free_port()))
    get_settings.cache_clear()
    outbox_id, now, waits = _enqueue(address), dt.datetime.now(dt.UTC), []
    for _ in range(MAX_ATTEMPTS):
        send_due_emails(now=now)
        row = _row(outbox_id)
        if row.status == "pending":
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
    assert waits == list(BACKOFF)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS) and row.last_error
    assert send_due_emails(now=now + dt.timedelta(days=1)).claimed == 0


def test_a_refused_recipient_fails_at_once(smtp: Mailbox) -> None:
    outbox_id = _enqueue("ghost@refuse.example")
    assert send_due_emails().failed == 1
    row = _row(outbox_id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "recipient refused (550)")


def test_smtp_login_uses_the_configured_user_and_keeps_the_password_out_of_errors(
    smtp: Mailbox, mail_settings: pytest.MonkeyPatch, address: str
) -> None:
    mail_settings.setenv("SMTP_USER", SMTP_USER)
    mail_settings.setenv("SMTP_PASS", "wrong-" + SMTP_PASS)
    get_settings.cache_clear()
    outbox_id = _enqueue(address)
    assert send_due_emails().retried == 1  # a login failure is configuration: retry, do not give up
    assert "SMTPAuthenticationError: 535" in _row(outbox_id).last_error
    assert SMTP_PASS not in _row(outbox_id).last_error
    mail_settings.setenv("SMTP_PASS", SMTP_PASS)
    get_settings.cache_clear()
    assert send_due_emails(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)).sent == 1
    assert smtp.logins == [SMTP_USER] and len(smtp.to(address)) == 1


def test_two_senders_in_parallel_deliver_each_message_once(smtp: Mailbox, address: str) -> None:
    addresses = [f"{n}-{address}" for n in range(40)]
    for each in addresses:
        _enqueue(each)

    start = threading.Barrier(2)

    def drain(_: int) -> int:
        start.wait()
        sent = 0
        while report := send_due_emails(limit=3):
            if not report.claimed:
                return sent
            sent += report.sent
        return sent

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        per_sender = list(pool.map(drain, range(2)))
    assert sum(per_sender) == 40 and all(per_sender)
    assert [len(smtp.to(a)) for a in addresses] == [1] * 40


def test_codes_never_reach_the_logs(smtp: Mailbox, address: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    codes.request_login_code(address, ip="10.9.9.9")
    codes.request_login_code("ghost@refuse.example", ip="10.9.9.9")  # a failure is logged too
    send_due_emails()
    (message,) = smtp.to(address)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    code = re.search(r"\b(\d{6})\b", text).group(1)  # type: ignore[union-attr]
    ours = [r for r in caplog.records if r.name != "mail.log"]  # not the test SMTP server's own log
    assert any("not delivered" in r.getMessage() for r in ours)
    assert not [r for r in ours if code in r.getMessage() or code in str(r.args)]
