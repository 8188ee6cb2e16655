"""Email: templates rendered into an outbox inside the caller's transaction, sent by a job."""

from services.notifications.outbox import (
    Attachment,
    InboxMessageView,
    SandboxOnly,
    enqueue_email,
    list_inbox,
)
from services.notifications.sender import SendReport, send_due_emails

__all__ = [
    "Attachment",
    "InboxMessageView",
    "SandboxOnly",
    "SendReport",
    "enqueue_email",
    "list_inbox",
    "send_due_emails",
]
