"""The sandbox inbox: every email the app queued, newest first (absent in production)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from services import notifications


@dataclass(frozen=True)
class InboxRow:
    recipient: str
    subject: str
    body: str
    when: str
    status: str


class InboxState(rx.State):
    messages: list[InboxRow] = []

    @rx.event
    async def load(self) -> None:
        rows = await notifications.list_inbox(limit=50)
        self.messages = [
            InboxRow(m.to, m.subject, m.text_body, m.created_at.strftime("%d %b %H:%M:%S"), m.status) for m in rows
        ]
