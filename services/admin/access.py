"""Who may do what in the admin dashboard, and each confirmed action done once.

Every admin service function takes the `Identity` the session resolved to and calls `require` (or
`active_staff`, which re-reads the account) with the staff roles its action allows (an owner's identity
holds every role); both live in `services.accounts.staff_access`, shared with the enterprise domain's
staff pages, so a refusal is always `NotPermitted` and a change is audited with `record`. Changes run under
`once`: the confirmation dialog's key is claimed in `staff_actions` before anything happens, so a
replayed or double-clicked confirmation returns the first result and changes nothing again. A
failed action gives its key back, so the same dialog can try again.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.accounts.sessions import Identity
from services.accounts.staff_access import EVERY_ROLE, NotPermitted, record, require
from services.core import db
from services.core.errors import ServiceError
from services.core.models import StaffAction, StaffRole

OWNER, OPERATIONS, SUPPORT, FINANCE = (r.value for r in StaffRole)
OPERATORS = (OWNER, OPERATIONS)  # providers and catalogue: act
ORDERS_READ = EVERY_ROLE
ORDERS_ACT = (OWNER, OPERATIONS)  # retry, fail over, cancel at the provider
ORDERS_REFUND = (OWNER, OPERATIONS, SUPPORT)
ORDERS_RESEND = (OWNER, OPERATIONS, SUPPORT)
CUSTOMERS_READ = EVERY_ROLE
CUSTOMERS_ACT = (OWNER, SUPPORT)  # disable, enable, end sessions, export
MAX_NOTE = 500
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class NoteMissing(ServiceError):
    code = "admin_note_missing"


class NoteTooLong(ServiceError):
    code = "admin_note_too_long"


class StaleAction(ServiceError):
    """The confirmation carried no usable key (the dialog was not opened by this page)."""

    code = "admin_action_stale"


def note_text(text: str) -> str:
    """The note for the audit log: one line, required, at most `MAX_NOTE` characters."""
    note = " ".join((text or "").split())
    if not note:
        raise NoteMissing("no note given")
    if len(note) > MAX_NOTE:
        raise NoteTooLong(f"note of {len(note)} characters", max_chars=MAX_NOTE)
    return note


def _claim(admin_id: int, key: str, action: str, entity_type: str, entity_id: str) -> dict[str, Any] | None:
    """Claim the key; None when this call owns it, else the first run's result (a replay)."""
    with db.session() as s, s.begin():
        inserted = s.execute(pg_insert(StaffAction).values(
            admin_id=admin_id, key=key, action=action, entity_type=entity_type, entity_id=entity_id[:64],
            status="running").on_conflict_do_nothing().returning(StaffAction.key)).first()
        if inserted is not None:
            return None
        row = s.get(StaffAction, (admin_id, key))
        return {**(row.result if row is not None else {}), "changed": False}


def _settle(admin_id: int, key: str, result: dict[str, Any] | None) -> None:
    """Keep the result of a finished action; give the key back after a failed one."""
    match = (StaffAction.admin_id == admin_id, StaffAction.key == key)
    with db.session() as s, s.begin():
        if result is None:
            s.execute(sa.delete(StaffAction).where(*match))
        else:
            s.execute(sa.update(StaffAction).where(*match).values(status="done", result=result))


async def run_once(identity: Identity, key: str, action: str, *, entity_type: str, entity_id: str,
                   work: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Run `work` once per confirmation key; a replay gets the first result with `changed: False`.

    `work` returns a JSON-able result (with `changed`). A running first call makes a concurrent
    replay return `{"changed": False}` at once rather than act twice.
    """
    if not _KEY.match(key or ""):
        raise StaleAction("the action carried no usable key")
    admin_id = identity.principal_id
    replay = await asyncio.to_thread(_claim, admin_id, key, action, entity_type, entity_id)
    if replay is not None:
        return replay
    try:
        result = await work()
    except BaseException:
        await asyncio.to_thread(_settle, admin_id, key, None)
        raise
    await asyncio.to_thread(_settle, admin_id, key, result)
    return result


__all__ = ["EVERY_ROLE", "NotPermitted", "record", "require"]  # re-exported for the admin modules
