"""Fixtures for the staff side of the dashboard: signed-in staff of each role, invitation links read
from the outbox as the invitee reads them, audit rows."""

from __future__ import annotations

import re
import uuid

from sqlmodel import col, select

from services.accounts import passwords
from services.core import db
from services.core.models import AuditLog, EmailOutbox
from tests.support.staff import staff_sign_in
from tests.support.tabs import SignedIn, exchange

PASSWORD = "a long staff passphrase"


def new_staff(role: str = "owner") -> SignedIn:
    """A staff account of `role` (created as `esim create-admin` does), signed in with password + TOTP."""
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
    passwords.create_admin(email, PASSWORD, staff_role=role)
    return exchange(staff_sign_in(email, PASSWORD, ip="10.20.0.1"))


def invite_link(address: str) -> str:
    with db.session() as s:
        mails = list(s.exec(select(EmailOutbox).where(EmailOutbox.to_address == address, EmailOutbox.template == "staff_invite")
                            .order_by(col(EmailOutbox.id))))
    assert mails, f"no staff invitation to {address}"
    found = re.search(r"/admin/invite/([A-Za-z0-9_-]+)", mails[-1].text_body)
    assert found, "no link in the email"
    return found.group(1)


def audit_rows(action: str, entity_id: str | int) -> list[AuditLog]:
    with db.session() as s:
        return list(s.exec(select(AuditLog).where(AuditLog.action == action, AuditLog.entity_id == str(entity_id))
                           .order_by(col(AuditLog.id))))
