"""Emails in the recipient's language: their profile's, else the language of the page that sent them."""

from __future__ import annotations

import uuid

from sqlmodel import select

from services.core import db
from services.core.models import EmailOutbox, User
from services.notifications import enqueue_email
from services.notifications.render import render_email

CODE = {"code": "424242", "valid_minutes": 5}


def test_each_language_has_its_own_words_and_html_lang(database_url: str) -> None:
    subjects = {lang: render_email("login_code", CODE, lang) for lang in ("en", "es", "fr", "de", "ja")}
    assert subjects["en"].subject == "Your Wayfarer sign-in code"
    assert subjects["ja"].subject == "Wayfarer のログインコード"
    assert subjects["de"].subject == "Ihr Anmeldecode für Wayfarer"
    assert len({r.subject for r in subjects.values()}) == 5
    assert '<html lang="ja">' in subjects["ja"].html and "有効期間は5分" in subjects["ja"].text
    assert "424242" in subjects["fr"].text and "Des questions ?" in subjects["fr"].html


def test_translated_html_still_escapes_what_it_is_given(database_url: str) -> None:
    rendered = render_email("order_refunded", {"order_ref": "<i>OID</i>", "plan_name": "日本 1 GB・7日間",
                                               "amount": "￥700", "orders_url": "https://x.example/o"}, "ja")
    assert "&lt;i&gt;OID&lt;/i&gt;" in rendered.html and "<strong>" in rendered.html
    assert rendered.subject == "ご注文 <i>OID</i> を返金しました"


def test_a_customers_mail_follows_their_profile_language(database_url: str) -> None:
    address = f"yuki-{uuid.uuid4().hex[:8]}@example.com"
    with db.session() as s, s.begin():
        s.add(User(email=address, language="ja"))
    with db.session() as s, s.begin():
        enqueue_email(s, to=address, template="login_code", context=CODE)
        enqueue_email(s, to=address, template="login_code", context=CODE, language="es")  # the sender knows better
        enqueue_email(s, to=f"stranger-{uuid.uuid4().hex[:8]}@example.com", template="login_code", context=CODE)
    with db.session() as s:
        mine = s.exec(select(EmailOutbox.subject).where(EmailOutbox.to_address == address)
                      .order_by(EmailOutbox.id)).all()
    assert mine == ["Wayfarer のログインコード", "Tu código de acceso a Wayfarer"]
