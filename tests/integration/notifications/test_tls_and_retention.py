"""TLS is mandatory on the way to the mail server, and a delivered message keeps no secrets."""

from __future__ import annotations

import pytest

from services.core.settings import get_settings
from services.notifications import Attachment, send_due_emails
from services.notifications.sender import BODY_REMOVED
from tests.integration.notifications.conftest import SMTP_PASS, SMTP_USER, Mailbox
from tests.integration.notifications.test_sender import _enqueue, _row


def _point_at(mail_settings: pytest.MonkeyPatch, port: int, **variables: str) -> None:
    mail_settings.setenv("SMTP_HOST", "127.0.0.1")
    mail_settings.setenv("SMTP_PORT", str(port))
    for name, value in variables.items():
        mail_settings.setenv(name, value)
    get_settings.cache_clear()


def test_no_login_and_no_mail_when_the_server_does_not_offer_starttls(
    plain_mailbox: tuple[Mailbox, int], mail_settings: pytest.MonkeyPatch, address: str
) -> None:
    box, port = plain_mailbox
    _point_at(mail_settings, port, SMTP_USER=SMTP_USER, SMTP_PASS=SMTP_PASS)
    outbox_id = _enqueue(address, code="771133")
    assert send_due_emails().retried == 1
    assert box.logins == [] and box.to(address) == []
    row = _row(outbox_id)
    assert row.status == "pending" and "STARTTLS" in row.last_error and "771133" in row.text_body


def test_without_tls_a_password_is_never_sent_even_when_tls_is_switched_off(
    plain_mailbox: tuple[Mailbox, int], mail_settings: pytest.MonkeyPatch, address: str
) -> None:
    box, port = plain_mailbox
    _point_at(mail_settings, port, SMTP_USER=SMTP_USER, SMTP_PASS=SMTP_PASS, SMTP_SECURITY="none")
    outbox_id = _enqueue(address)
    assert send_due_emails().retried == 1
    assert box.logins == [] and SMTP_PASS not in _row(outbox_id).last_error
    mail_settings.delenv("SMTP_USER")
    get_settings.cache_clear()
    _enqueue(address)  # a local test server without login: allowed outside production
    assert send_due_emails().sent == 1 and len(box.to(address)) == 1


def test_a_delivered_message_keeps_its_subject_but_not_its_body(smtp: Mailbox, address: str) -> None:
    lpa = "LPA:1$rsp.example.com$SECRET-MATCHING-ID"
    outbox_id = _enqueue(address, code="556677", attachments=(Attachment.qr_code("qr.png", lpa, cid="qr"),))
    assert send_due_emails().sent == 1
    assert "556677" in smtp.to(address)[0].get_body(("plain",)).get_content()
    row = _row(outbox_id)
    assert row.subject == "Your Wayfarer sign-in code" and row.status == "sent"
    assert (row.text_body, row.html_body, row.attachments) == (BODY_REMOVED, "", [])


def test_a_message_that_finally_failed_keeps_no_body_either(smtp: Mailbox) -> None:
    outbox_id = _enqueue("nobody@refuse.example", code="998877")
    assert send_due_emails().failed == 1
    row = _row(outbox_id)
    assert row.status == "failed" and "998877" not in row.text_body + row.html_body


def test_production_without_smtp_host_never_calls_a_message_sent(
    mail_settings: pytest.MonkeyPatch, address: str
) -> None:
    mail_settings.setenv("ESIM_ENV", "production")
    mail_settings.delenv("SMTP_HOST", raising=False)
    get_settings.cache_clear()
    outbox_id = _enqueue(address)
    report = send_due_emails()
    assert report.sent == 0 and report.retried >= 1
    row = _row(outbox_id)
    assert row.status == "pending" and row.sent_at is None and row.last_error == "SMTP_HOST is not set"
