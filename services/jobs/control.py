"""Which jobs staff paused: a store setting (`jobs.paused`, a JSON list of job names), so every
scheduler process honours it at each run, whichever process the pause was made in."""

from __future__ import annotations

import json
import logging

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from services.core import db
from services.core.models import Setting, SettingType

log = logging.getLogger(__name__)

PAUSED = "jobs.paused"


def paused_jobs(s: Session | None = None) -> frozenset[str]:
    """The names of the paused jobs (a stored value that is not a list of names counts as none)."""
    if s is None:
        with db.session() as own:
            return paused_jobs(own)
    value = s.exec(sa.select(Setting.value).where(Setting.key == PAUSED)).scalar_one_or_none()  # type: ignore[call-overload]
    try:
        names = json.loads(value) if value else []
    except json.JSONDecodeError:
        log.warning("setting %s is not JSON; no job is paused", PAUSED)
        return frozenset()
    return frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list) else frozenset()


def is_paused(job: str) -> bool:
    return job in paused_jobs()


def store_paused(s: Session, names: frozenset[str], *, admin_id: int | None) -> None:
    """Write the paused set in the caller's transaction (the caller locks and audits)."""
    value = json.dumps(sorted(names))
    statement = insert(Setting).values(key=PAUSED, value=value, value_type=SettingType.JSON.value,
                                       description="Jobs paused by staff", updated_by_admin_id=admin_id)
    s.exec(statement.on_conflict_do_update(  # type: ignore[call-overload]
        index_elements=[Setting.key],
        set_={"value": value, "updated_by_admin_id": admin_id, "updated_at": sa.func.now()}))
