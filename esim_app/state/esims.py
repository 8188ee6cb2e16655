"""`/business/esims`: the company's eSIM inventory, handing eSIMs to employees, exports.

Every handler resolves the caller's session and passes the identity to one service call; the
company is the session's. Any company role reads; admins and operations assign and revoke (the
service checks again). Handlers accept only eSIM references of rows this tab was shown.
`InstallState` is the public install page of an employee (`/install/[install_token]`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import AuthState, EnterpriseState
from esim_app.state.locale import reader_language
from services import enterprise
from services.core import ServiceError, format_data_size

ASSIGN_ROLES = ("admin", "operations")
EXPORT_ROLES = ("admin", "finance", "operations")
MAX_PASTE = 200_000
MAX_FIELD = 254
CSV_UPLOAD = "assign-csv"  # the upload id of the CSV file input
PASTE_ID = "assign-paste"  # the element id of the textarea


@dataclass(frozen=True)
class EsimRow:
    ref: str
    iccid: str
    plan: str
    status: str
    status_label: str
    recipient: str
    recipient_email: str
    usage: str
    expires: str
    assignable: bool
    revocable: bool  # assigned and unused: can be taken back
    link_opened: bool
    link_endable: bool  # installed or used, with an install link that still works


@dataclass(frozen=True)
class StatusChip:
    status: str
    label: str
    count: int


def _usage(r: enterprise.InventoryRow) -> str:
    return f"{format_data_size(r.used_mb)} of {format_data_size(r.total_mb, unlimited=r.unlimited)}"


def _date(value: dt.datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _row(r: enterprise.InventoryRow) -> EsimRow:
    link_live = r.link_expires_at is not None and r.link_expires_at > dt.datetime.now(dt.UTC)
    return EsimRow(r.esim_ref, r.iccid, r.plan_name, r.status, enterprise.STATUS_LABELS[r.status], r.recipient_name,
                   r.recipient_email, _usage(r), _date(r.expires_at), r.status == "in_stock", r.status == "assigned",
                   r.link_opened, link_live and r.status in ("installed", "active", "used_up"))


class EsimsState(TableState, EnterpriseState):
    rows: list[EsimRow] = []
    chips: list[StatusChip] = []
    status_filter: str = ""
    search: str = ""
    can_assign: bool = False
    can_export: bool = False
    export_kind: str = "allocations"
    picked_ref: str = ""  # the in-stock eSIM the one-by-one form is about
    revoking_ref: str = ""  # the assigned eSIM the confirm step is about
    ending_link: bool = False  # the confirm step ends the install link only (the eSIM is in use)
    assign_errors: list[str] = []
    assign_result: str = ""
    error: str = ""
    page_size: int = 25
    _paste: str = ""
    _skip_invalid: bool = False
    _sortable: ClassVar[tuple[str, ...]] = ("iccid", "status", "recipient", "expires", "usage")

    def _clear(self) -> None:
        self.rows, self.chips, self.can_assign, self.can_export = [], [], False, False
        self.picked_ref = self.revoking_ref = ""
        self._set_total(0)

    def _shown(self, ref: str) -> EsimRow | None:
        return next((r for r in self.rows if r.ref == str(ref)), None)

    async def _fetch_page(self) -> int:
        identity, redirect = await self._require("enterprise")
        if redirect:
            self._clear()
            return 0
        found = await enterprise.list_inventory(
            identity, status=self.status_filter or None, search=self.search,  # type: ignore[arg-type]
            sort=self.sort_key or "created", descending=self.descending, page=self.page, page_size=self.page_size)
        self.rows = [_row(r) for r in found.rows]
        self.chips = [StatusChip(s, enterprise.STATUS_LABELS[s], found.counts[s]) for s in enterprise.STATUSES]
        if found.total and not found.rows and self.page:  # the page emptied meanwhile: show the last one
            self.page = max(0, -(-found.total // self.page_size) - 1)
            return await self._fetch_page()
        return found.total

    async def _reload(self) -> None:
        try:
            await self._refresh()
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)

    @rx.event
    async def load(self):
        identity, redirect = await self._require("enterprise")
        if redirect:
            self._clear()
            return redirect
        roles = set(identity.roles)  # type: ignore[union-attr]
        self.can_assign, self.can_export = bool(roles & set(ASSIGN_ROLES)), bool(roles & set(EXPORT_ROLES))
        self.error, self.assign_errors, self.assign_result = "", [], ""
        self.picked_ref = self.revoking_ref = ""
        await self._reload()
        return None

    @rx.event
    async def set_search(self, form: dict[str, str]):
        self.search, self.page = str(form.get("search", ""))[:100], 0
        await self._reload()

    @rx.event
    async def set_status_filter(self, status: str):
        self.status_filter = str(status) if str(status) in enterprise.STATUSES else ""
        self.page = 0
        await self._reload()

    @rx.event
    def set_export_kind(self, kind: str) -> None:
        self.export_kind = str(kind) if str(kind) in enterprise.EXPORT_KINDS else "allocations"

    def _assigned(self, result: enterprise.AssignResult) -> None:
        n = len(result.assigned)
        self.assign_result = f"Assigned {n} eSIM{'s' if n != 1 else ''}; each person has been emailed an install link."
        if result.skipped:
            self.assign_result += f" Skipped {len(result.skipped)} line{'s' if len(result.skipped) != 1 else ''}."
            self.assign_errors = [f"Line {p.line}: {p.reason}" for p in result.skipped]

    def _refused(self, exc: ServiceError) -> None:
        self.error = message_for(exc)
        if isinstance(exc, enterprise.RecipientsInvalid):
            self.assign_errors = [f"Line {p.line}: {p.reason}" for p in exc.problems]

    async def _assigner(self):
        """(identity, None) for a company admin or operations user, with the last outcome cleared."""
        self.error, self.assign_result, self.assign_errors = "", "", []
        return await self._require("enterprise", ASSIGN_ROLES)

    @rx.event
    async def take_form(self, form: dict[str, str]):
        """First step of "Assign": keep the pasted lines and the skip choice for `submit_assign`."""
        _, redirect = await self._assigner()
        if redirect:
            self._clear()
            return redirect
        self._paste, self._skip_invalid = str(form.get("lines", ""))[:MAX_PASTE], bool(form.get("skip_invalid"))
        return None

    @rx.event
    async def submit_assign(self, files: list[rx.UploadFile]):
        """Second step: assign the chosen CSV file's rows if a file was chosen, else the pasted lines."""
        identity, redirect = await self._require("enterprise", ASSIGN_ROLES)
        if redirect:
            self._clear()
            return redirect
        ip, skip = self.router.session.client_ip, self._skip_invalid
        try:
            if files:
                data = files[0].file.read(enterprise.MAX_CSV_BYTES + 1)
                result = await enterprise.assign_csv(identity, data, skip_invalid=skip, ip=ip)  # type: ignore[arg-type]
            else:
                result = await enterprise.assign_text(identity, self._paste, skip_invalid=skip, ip=ip)  # type: ignore[arg-type]
        except ServiceError as exc:
            self._refused(exc)
            return rx.clear_selected_files(CSV_UPLOAD) if files else None
        self._paste = ""
        self._assigned(result)
        await self._reload()
        return [rx.set_value(PASTE_ID, ""), rx.clear_selected_files(CSV_UPLOAD)]

    @rx.event
    async def pick(self, esim_ref: str):
        """Open the one-by-one form for an in-stock eSIM this tab shows."""
        _, redirect = await self._assigner()
        if redirect:
            self._clear()
            return redirect
        row = self._shown(esim_ref)
        self.picked_ref, self.revoking_ref = (row.ref if row and row.assignable else ""), ""
        return None

    @rx.event
    async def ask_revoke(self, esim_ref: str):
        """The confirm step of taking an assigned eSIM this tab shows back."""
        _, redirect = await self._assigner()
        if redirect:
            self._clear()
            return redirect
        row = self._shown(esim_ref)
        self.revoking_ref = row.ref if row and (row.revocable or row.link_endable) else ""
        self.ending_link, self.picked_ref = bool(row and not row.revocable), ""
        return None

    @rx.event
    def cancel(self) -> None:
        self.picked_ref = self.revoking_ref = ""

    @rx.event
    async def assign_picked(self, form: dict[str, str]):
        identity, redirect = await self._assigner()
        if redirect:
            self._clear()
            return redirect
        if not self.picked_ref:
            return None
        try:
            done = await enterprise.assign_esim(identity, self.picked_ref, str(form.get("name", ""))[:MAX_FIELD],  # type: ignore[arg-type]
                                                str(form.get("email", ""))[:MAX_FIELD],
                                                ip=self.router.session.client_ip)
        except ServiceError as exc:
            self._refused(exc)
            return None
        self.picked_ref = ""
        self.assign_result = f"Assigned {done.iccid} to {done.recipient_name}; we emailed them an install link."
        await self._reload()
        return None

    @rx.event
    async def confirm_revoke(self):
        identity, redirect = await self._assigner()
        if redirect:
            self._clear()
            return redirect
        if not self.revoking_ref:
            return None
        ref, self.revoking_ref = self.revoking_ref, ""
        end = enterprise.end_install_link if self.ending_link else enterprise.revoke_esim
        try:
            await end(identity, ref, ip=self.router.session.client_ip)  # type: ignore[arg-type]
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.assign_result = ("The install link no longer works; the recipient keeps the eSIM." if self.ending_link
                              else "The eSIM is back in stock; its install link no longer works.")
        await self._reload()
        return None


class InstallState(AuthState):
    """`/install/[install_token]`: an employee's install page; the emailed token is the only credential."""

    found: bool = False
    checked: bool = False
    error: str = ""
    recipient_name: str = ""
    company_name: str = ""
    plan_name: str = ""
    link_expires_on: str = ""
    lpa: str = ""
    smdp_address: str = ""
    matching_id: str = ""
    qr_data_uri: str = ""
    ios_install_url: str = ""

    @rx.event
    async def load(self) -> None:
        self.found, self.checked, self.error = False, False, ""
        self.lpa = self.smdp_address = self.matching_id = self.qr_data_uri = self.ios_install_url = ""
        token = str(self.install_token)[:200]  # type: ignore[attr-defined]  (route argument)
        lang = await reader_language(self)
        try:
            view = await enterprise.open_install(token, lang=lang)
        except ServiceError as exc:
            self.error, self.checked = message_for(exc, lang), True
            return
        self.found, self.checked = True, True
        self.recipient_name, self.company_name, self.plan_name = view.recipient_name, view.company_name, view.plan_name
        self.link_expires_on, self.lpa, self.smdp_address = view.link_expires_on, view.lpa, view.smdp_address
        self.matching_id, self.qr_data_uri, self.ios_install_url = view.matching_id, view.qr_data_uri, view.ios_install_url
