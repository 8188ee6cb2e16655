"""The install emails the assignment statement writes are the ones `render_email` renders: names with
HTML's special characters, odd whitespace and placeholder look-alikes come out escaped and collapsed as
Jinja and the subject rule make them, for one recipient (autocommit) and several (a transaction)."""

from __future__ import annotations

import re

from sqlmodel import col, select

from services.core import db
from services.core.models import EmailOutbox
from services.enterprise import allocation
from services.enterprise.recipients import Recipient
from services.notifications.render import render_email
from services.store import settings as store
from tests.support.enterprise import company_esims, member

COMPANY = "  Ada & <Bob>'s \"Travel\"\u00a0 Co\t"
PLAN = "Europe\u2003 5 GB & <b>more</b>  'roaming' company-slot"
TOKEN = re.compile(r"/install/([A-Za-z0-9_-]+)")


def _mail(address: str) -> EmailOutbox:
    with db.session() as s:
        mail = s.exec(select(EmailOutbox).where(EmailOutbox.to_address == address)
                      .order_by(col(EmailOutbox.id).desc())).first()
    assert mail is not None, f"no email to {address}"
    return mail


def _expected(mail: EmailOutbox, recipient: str) -> tuple[str, str, str]:
    token = TOKEN.search(mail.text_body).group(1)  # type: ignore[union-attr]
    rendered = render_email("esim_assigned", {
        "company_name": COMPANY, "plan_name": PLAN, "recipient_name": recipient,
        "link": allocation.install_url(token), "valid_days": 30})
    return rendered.subject, rendered.text, rendered.html


def test_assignment_emails_are_rendered_as_render_email_renders_them(database_url: str) -> None:
    admin = member("operations", company=COMPANY)
    refs = company_esims(admin.org_id, 3, plan=PLAN)  # type: ignore[arg-type]
    people = [Recipient("O'Neil <Ann> & \"Co\"", "ann-mail@example.com"),
              Recipient("Bo Li", "bo-mail@example.com"), Recipient("Cy", "cy-mail@example.com")]
    allocation.assign(admin, people[:1], esim_refs=refs[:1])
    allocation.assign(admin, people[1:], esim_refs=refs[1:])
    for person in people:
        mail = _mail(person.email)
        assert (mail.subject, mail.text_body, mail.html_body) == _expected(mail, person.name)
        assert "&lt;b&gt;more&lt;/b&gt;" in mail.html_body and "<b>more</b>" in mail.text_body
    assert "\u00a0" not in _mail("ann-mail@example.com").subject  # collapsed as str.split() does


def test_a_brand_change_shows_in_the_next_assignment_email(database_url: str) -> None:
    admin = member("operations", company=COMPANY)
    refs = company_esims(admin.org_id, 2, plan=PLAN)  # type: ignore[arg-type]
    before = store.get_store_settings().brand_name
    allocation.assign(admin, [Recipient("Dee", "dee-mail@example.com")], esim_refs=refs[:1])
    try:
        store.set_brand_name("Zed <Mobile>")
        allocation.assign(admin, [Recipient("Eve", "eve-mail@example.com")], esim_refs=refs[1:])
        mail = _mail("eve-mail@example.com")
        assert (mail.subject, mail.text_body, mail.html_body) == _expected(mail, "Eve")
    finally:
        store.set_brand_name(before)
    assert "Zed <Mobile>" not in _mail("dee-mail@example.com").text_body
    assert "Zed <Mobile>" in mail.text_body and "Zed &lt;Mobile&gt;" in mail.html_body
