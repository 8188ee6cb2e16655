"""Email: templates rendered into an outbox inside the caller's transaction, sent by a job.

The public face. `list_inbox` is for the UI (async); `enqueue_email` and `send_due_emails` run
inside services and jobs, which may also import `outbox` and `sender` directly.
"""

from __future__ import annotations

import asyncio

from services.notifications import outbox
from services.notifications.outbox import Attachment, InboxMessageView, SandboxOnly, enqueue_email
from services.notifications.sender import SendReport, send_due_emails


async def list_inbox(*, client_ip: str | None, limit: int = 50) -> list[InboxMessageView]:
    """The newest emails for the sandbox inbox page; `SandboxOnly` in production, with SMTP
    configured, or for a client that is not on this machine."""
    return await asyncio.to_thread(outbox.list_inbox, client_ip=client_ip, limit=limit)


__all__ = [
    "Attachment",
    "InboxMessageView",
    "SandboxOnly",
    "SendReport",
    "enqueue_email",
    "list_inbox",
    "send_due_emails",
]
