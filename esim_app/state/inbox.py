"""The sandbox inbox: every email the app queued, newest first (absent in production; answers only
a browser on the server's own machine while no SMTP server is configured)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app.errors import message_for
from services import notifications
from services.core import ServiceError


@dataclass(frozen=True)
class InboxRow:
    recipient: str
    subject: str
    body: str
    when: str
    status: str


class InboxState(rx.State):
    messages: list[InboxRow] = []
    error: str = ""

    @rx.event
    async def load(self) -> None:
        try:
            rows = await notifications.list_inbox(client_ip=self.router.session.client_ip, limit=50)
        except ServiceError as exc:
            self.messages, self.error = [], message_for(exc)
            return
        self.error = ""
        self.messages = [
            InboxRow(m.to, m.subject, m.text_body, m.created_at.strftime("%d %b %H:%M:%S"), m.status) for m in rows
        ]
