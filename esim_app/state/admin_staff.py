"""`/admin/staff` (owners): invite staff, change roles, disable/enable, reset TOTP; and the invitee's
`/admin/invite/[link_token]` page that sets the password from the emailed link.

Every staff handler resolves the session on the server and passes that identity to one service
call, which checks the owner role again; row actions accept only ids of rows this tab was shown.
Disabling and resetting TOTP ask for confirmation first (`ask`, then `confirm`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import AdminState, AuthState
from services import admin
from services.core import ServiceError

ROLES = ("owner",)
MAX_FIELD = 254
MAX_PASSWORD = 200
ACTIONS = {"disable": "Disable", "enable": "Enable", "reset_totp": "Reset two-factor for"}


@dataclass(frozen=True)
class StaffRow:
    id: int
    email: str
    name: str
    role: str
    status: str
    totp: str
    last_login: str


def _row(m: admin.StaffMember) -> StaffRow:
    last = m.last_login_at.astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC") if m.last_login_at else "Never"
    return StaffRow(m.id, m.email, m.name, m.role, m.status, "Enrolled" if m.totp_enrolled else "Not yet", last)


class StaffState(AdminState):
    members: list[StaffRow] = []
    roles: list[str] = list(admin.STAFF_ROLES)
    error: str = ""
    notice: str = ""
    pending_id: int = 0  # the row the confirm step is about
    pending_action: str = ""
    pending_label: str = ""

    def _shown(self, admin_id: object) -> int | None:
        try:
            wanted = int(admin_id)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None
        return wanted if wanted in {m.id for m in self.members} else None

    def _ip(self) -> str | None:
        return self.router.session.client_ip

    async def _reload(self, identity) -> None:
        self.members = [_row(m) for m in await admin.list_staff(identity)]

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self.members = []
            return redirect
        self.pending_id, self.pending_action = 0, ""
        try:
            await self._reload(identity)
        except ServiceError as exc:
            self.members, self.error = [], message_for(exc)
        return None

    @rx.event
    async def invite(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        email = str(form.get("email", ""))[:MAX_FIELD]
        try:
            member = await admin.invite_staff(identity, email, str(form.get("role", ""))[:20],
                                              name=str(form.get("name", ""))[:100], ip=self._ip())
            await self._reload(identity)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = f"Invitation emailed to {member.email}. The link works once, for 72 hours."
        return [rx.set_value("email", ""), rx.set_value("name", "")]

    @rx.event
    async def change_role(self, admin_id: int, role: str):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        target = self._shown(admin_id)
        if target is None:
            return None
        try:
            member = await admin.change_staff_role(identity, target, str(role)[:20], ip=self._ip())
            self.notice = f"{member.email} is now {member.role}."
        except ServiceError as exc:
            self.error = message_for(exc)
        await self._reload(identity)  # the select shows the stored role again after a refusal
        return None

    @rx.event
    async def ask(self, admin_id: int, action: str):
        """The confirm step of disable, enable and TOTP reset, for a row this tab shows."""
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        target = self._shown(admin_id)
        if target is None or action not in ACTIONS:
            self.pending_id, self.pending_action = 0, ""
            return None
        email = next(m.email for m in self.members if m.id == target)
        self.pending_id, self.pending_action, self.pending_label = target, action, f"{ACTIONS[action]} {email}?"
        return None

    @rx.event
    def cancel(self) -> None:
        self.pending_id, self.pending_action = 0, ""

    @rx.event
    async def confirm(self):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            return redirect
        target, action = self._shown(self.pending_id), self.pending_action
        self.pending_id, self.pending_action = 0, ""
        if target is None or action not in ACTIONS:
            return None
        try:
            if action == "reset_totp":
                member = await admin.reset_staff_totp(identity, target, ip=self._ip())
                self.notice = f"{member.email} sets up two-factor again at the next sign-in; their sessions ended."
            else:
                member = await admin.set_staff_active(identity, target, action == "enable", ip=self._ip())
                self.notice = f"{member.email} is {'enabled' if action == 'enable' else 'disabled; their sessions ended'}."
        except ServiceError as exc:
            self.error = message_for(exc)
        await self._reload(identity)
        return None


class StaffInviteState(AuthState):
    """`/admin/invite/[link_token]`: no session; the emailed link is the credential (checked by the service)."""

    link_ok: bool = False
    checked: bool = False
    email: str = ""
    done: bool = False
    error: str = ""

    def _link_token(self) -> str:
        return str(self.link_token)[:200]  # type: ignore[attr-defined]  (route argument)

    @rx.event
    async def load(self) -> None:
        self.checked, self.link_ok, self.done, self.error, self.email = False, False, False, "", ""
        try:
            self.email = await admin.check_staff_invitation(self._link_token())
        except ServiceError as exc:
            self.error, self.checked = message_for(exc), True
            return
        self.link_ok, self.checked = True, True

    @rx.event
    async def set_password(self, form: dict[str, str]):
        self.error = ""
        password, confirm = form.get("password", "")[:MAX_PASSWORD], form.get("confirm", "")[:MAX_PASSWORD]
        if password != confirm:
            self.error = "The two passwords differ. Type the same password twice."
            return [rx.set_value("password", ""), rx.set_value("confirm", "")]
        try:
            self.email = await admin.accept_staff_invitation(self._link_token(), password,
                                                             ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return [rx.set_value("password", ""), rx.set_value("confirm", "")]
        self.done, self.link_ok = True, False
        return None
