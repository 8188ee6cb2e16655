"""Mail is rendered from a template pair into the outbox, inside the caller's transaction."""

from __future__ import annotations

import jinja2
import pytest
from sqlmodel import select

from services.core import db
from services.core.models import EmailOutbox
from services.notifications import SandboxOnly, enqueue_email, send_due_emails
from services.notifications.outbox import list_inbox
from services.notifications.render import render_email


def test_a_template_pair_gives_subject_text_and_escaped_html(database_url: str) -> None:
    rendered = render_email("login_code", {"code": "<b>042917</b>", "valid_minutes": 5})
    assert rendered.subject == "Your Wayfarer sign-in code"
    assert "<b>042917</b>" in rendered.text
    assert "&lt;b&gt;042917&lt;/b&gt;" in rendered.html and "<b>042917" not in rendered.html
    assert 'name="color-scheme"' in rendered.html and "support@example.com" in rendered.html


def test_a_missing_variable_is_an_error_not_a_blank(database_url: str) -> None:
    with pytest.raises(jinja2.UndefinedError):
        render_email("login_code", {"valid_minutes": 5})


def test_enqueue_writes_in_the_callers_transaction(address: str) -> None:
    with db.session() as s:
        enqueue_email(s, to=address, template="login_code", context={"code": "111111", "valid_minutes": 5})
        s.rollback()
    with db.session() as s, s.begin():
        kept = enqueue_email(s, to=address, template="login_code",
                             context={"code": "222222", "valid_minutes": 5})
    with db.session() as s:
        rows = s.exec(select(EmailOutbox).where(EmailOutbox.to_address == address)).all()
    assert [(r.id, r.status, r.template) for r in rows] == [(kept, "pending", "login_code")]


def test_without_smtp_host_mail_lands_in_the_sandbox_inbox(address: str, mail_settings) -> None:
    mail_settings.delenv("SMTP_HOST", raising=False)
    with db.session() as s, s.begin():
        enqueue_email(s, to=address, template="login_code", context={"code": "333333", "valid_minutes": 5})
    report = send_due_emails()
    assert report.sent == report.claimed >= 1
    newest = list_inbox(client_ip="127.0.0.1", limit=5)[0]
    assert newest.to == address and newest.status == "sent" and newest.sent_at is not None
    assert "333333" in newest.text_body and newest.subject == "Your Wayfarer sign-in code"


def test_the_inbox_does_not_exist_in_production(mail_settings, database_url: str) -> None:
    mail_settings.setenv("ESIM_ENV", "production")
    with pytest.raises(SandboxOnly) as refused:
        list_inbox(client_ip="127.0.0.1")
    assert refused.value.code == "sandbox_only"
