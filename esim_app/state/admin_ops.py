"""`/admin/jobs` (owners, operations), `/admin/settings` (every staff member reads, owners save) and
`/admin/audit` (owners, finance). Each handler resolves the staff session and passes that identity
to one service call, which checks the role again; a job name must be one this tab listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError

JOB_ROLES = ("owner", "operations")
SETTINGS_ROLES = ("owner", "operations", "support", "finance")
AUDIT_ROLES = ("owner", "finance")
MAX_FIELD = 300


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%d %b %H:%M:%S UTC") if value else "—"


def _seconds(value: float | None) -> str:
    return "running" if value is None else f"{value:.1f} s"


@dataclass(frozen=True)
class RunRow:
    started: str
    duration: str
    processed: int
    failed: int
    error: str


@dataclass(frozen=True)
class JobRow:
    name: str
    every: str
    paused: bool
    state: str  # "ok", "failing", "never run", "running", "paused"
    last_run: str
    next_run: str
    duration: str
    processed: int
    failed: int
    last_error: str
    runs_24h: int
    processed_24h: int
    failed_24h: int
    history: list[RunRow]


def _job_row(j: admin.JobView) -> JobRow:
    h = j.health
    state = ("paused" if j.paused else "never run" if h.last_started_at is None else "running"
             if h.last_run_ok is None else "ok" if h.last_run_ok else "failing")
    every = (f"{h.interval_seconds // 3600} h" if h.interval_seconds >= 3600 else
             f"{h.interval_seconds // 60} min" if h.interval_seconds >= 60 else f"{h.interval_seconds} s")
    return JobRow(h.job, every, j.paused, state, _when(h.last_started_at), "paused" if j.paused else _when(h.next_run_at),
                  _seconds(j.last_duration_seconds) if h.last_started_at else "—", j.last_processed, j.last_failed,
                  (f"{_when(h.last_error_at)}: {h.last_error}" if h.last_error else ""), h.recent_runs,
                  h.recent_processed, h.recent_failed,
                  [RunRow(_when(r.started_at), _seconds(r.duration_seconds), r.processed, r.failed, r.error or "")
                   for r in j.history])


class JobsState(AdminState):
    jobs: list[JobRow] = []
    open_job: str = ""  # whose history is shown
    error: str = ""
    notice: str = ""

    def _listed(self, name: object) -> str | None:
        return str(name) if str(name) in {j.name for j in self.jobs} else None

    async def _reload(self, identity) -> None:
        self.jobs = [_job_row(j) for j in await admin.list_jobs(identity)]

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", JOB_ROLES)
        if redirect:
            self.jobs = []
            return redirect
        try:
            await self._reload(identity)
        except ServiceError as exc:
            self.jobs, self.error = [], message_for(exc)
        return None

    @rx.event
    async def run_now(self, job: str):
        identity, redirect = await self._require("admin", JOB_ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        name = self._listed(job)
        if name is None:
            return None
        try:
            await admin.run_job_now(identity, name, ip=self.router.session.client_ip)
            await self._reload(identity)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = f"{name} started. Reload to see how it went."
        return None

    @rx.event
    async def set_paused(self, job: str, paused: bool):
        identity, redirect = await self._require("admin", JOB_ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        name = self._listed(job)
        if name is None:
            return None
        try:
            await admin.set_job_paused(identity, name, bool(paused), ip=self.router.session.client_ip)
            await self._reload(identity)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = f"{name} {'paused: the scheduler skips it until you resume it' if paused else 'resumed'}."
        return None

    @rx.event
    async def toggle_history(self, job: str):
        _, redirect = await self._require("admin", JOB_ROLES)
        if redirect:
            return redirect
        name = self._listed(job)
        self.open_job = "" if name is None or name == self.open_job else name
        return None


class SettingsState(AdminState):
    values: dict[str, str] = {}
    default_brand: str = ""
    default_support_email: str = ""
    editable: bool = False
    loaded: bool = False
    error: str = ""
    notice: str = ""

    def _show(self, view: admin.SettingsView) -> None:
        self.values, self.editable, self.loaded = dict(view.values), view.editable, True
        self.default_brand = view.defaults.get("brand_name", "")
        self.default_support_email = view.defaults.get("support_email", "")

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", SETTINGS_ROLES)
        if redirect:
            self.values, self.loaded = {}, False
            return redirect
        self.error = self.notice = ""
        try:
            self._show(await admin.get_settings(identity))
        except ServiceError as exc:
            self.error = message_for(exc)
        return None

    @rx.event
    async def save(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", SETTINGS_ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        fields = {k: str(v)[:MAX_FIELD] for k, v in form.items() if k in self.values}
        try:
            self._show(await admin.save_settings(identity, fields, ip=self.router.session.client_ip))
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = "Settings saved."
        return None


@dataclass(frozen=True)
class AuditRow:
    id: int
    when: str
    actor: str
    action: str
    entity: str
    ip: str
    before: str
    after: str
    details: str


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value).strip()) if str(value).strip() else None
    except ValueError:
        return None


class AuditState(TableState, AdminState):
    entries: list[AuditRow] = []
    filters: dict[str, str] = {}
    error: str = ""
    page_size: int = 25
    _sortable: ClassVar[tuple[str, ...]] = ()

    def _query(self) -> admin.AuditQuery:
        f = self.filters
        return admin.AuditQuery(who=f.get("who", ""), action=f.get("action", ""), entity_type=f.get("entity_type", ""),
                                entity_id=f.get("entity_id", ""), date_from=_date(f.get("date_from")),
                                date_to=_date(f.get("date_to")), page=self.page, page_size=self.page_size)

    async def _fetch_page(self) -> int:
        identity, _ = await self._require("admin", AUDIT_ROLES)
        if identity is None:
            self.entries = []
            return 0
        try:
            found = await admin.list_audit(identity, self._query())
        except ServiceError as exc:
            self.entries, self.error = [], message_for(exc)
            return 0
        self.error = ""
        self.entries = [AuditRow(e.id, _when(e.created_at), e.actor, e.action, f"{e.entity_type} {e.entity_id}", e.ip,
                                 e.before, e.after, e.details) for e in found.rows]
        return found.total

    @rx.event
    async def load(self):
        _, redirect = await self._require("admin", AUDIT_ROLES)
        if redirect:
            self.entries = []
            return redirect
        await self._refresh()
        return None

    @rx.event
    async def apply_filters(self, form: dict[str, str]):
        _, redirect = await self._require("admin", AUDIT_ROLES)
        if redirect:
            return redirect
        keys = ("who", "action", "entity_type", "entity_id", "date_from", "date_to")
        self.filters = {k: str(form.get(k, ""))[:MAX_FIELD].strip() for k in keys}
        bad = [k for k in ("date_from", "date_to") if self.filters[k] and _date(self.filters[k]) is None]
        if bad:
            self.error = "Dates are written as YYYY-MM-DD."
            return None
        self.page = 0
        await self._refresh()
        return None
