"""Enterprise portal states: setting a password from an emailed link, asking for a reset, the team.

The link pages are public (the link's token is the credential, checked by the service); the team
handlers resolve the caller on every event and pass the identity, so the company is the session's.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import AuthState, EnterpriseState
from services import enterprise
from services.core import ServiceError

MAX_FIELD = 254
MAX_PASSWORD = 200


@dataclass
class MemberRow:
    id: int
    email: str
    role: str
    status: str


class SetPasswordState(AuthState):
    """`/business/invite/[link_token]` and `/business/reset/[link_token]`."""

    link_ok: bool = False
    checked: bool = False
    email: str = ""
    company: str = ""
    is_reset: bool = False
    done: bool = False
    error: str = ""

    def _link_token(self) -> str:
        return str(self.link_token)[:200]  # type: ignore[attr-defined]  (route argument)

    @rx.event
    async def load(self) -> None:
        self.checked, self.link_ok, self.done, self.error = False, False, False, ""
        self.email = self.company = ""
        try:
            view = await enterprise.check_link(self._link_token())
        except ServiceError as exc:
            self.error, self.checked = message_for(exc), True
            return
        self.link_ok, self.checked = True, True
        self.email, self.company, self.is_reset = view.email, view.company_name, view.purpose == "reset"

    @rx.event
    async def set_password(self, form: dict[str, str]):
        self.error = ""
        password, confirm = form.get("password", "")[:MAX_PASSWORD], form.get("confirm", "")[:MAX_PASSWORD]
        if password != confirm:
            self.error = "The two passwords differ. Type the same password twice."
            return [rx.set_value("password", ""), rx.set_value("confirm", "")]
        try:
            self.email = await enterprise.set_password(self._link_token(), password,
                                                       ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return [rx.set_value("password", ""), rx.set_value("confirm", "")]
        self.done, self.link_ok = True, False
        return None


class ForgotPasswordState(AuthState):
    """`/business/forgot`: the same answer whether or not the address has an account."""

    sent: bool = False
    error: str = ""

    @rx.event
    async def request_reset(self, form: dict[str, str]) -> None:
        self.error = ""
        try:
            await enterprise.request_password_reset(form.get("email", "")[:MAX_FIELD],
                                                    ip=self.router.session.client_ip)
        except ServiceError as exc:  # only a rate limit; never whether the address exists
            self.error = message_for(exc)
            return
        self.sent = True


class TeamState(EnterpriseState):
    """`/business/team`, for company admins (the services check the role again)."""

    members: list[MemberRow] = []
    roles: list[str] = list(enterprise.ROLES)
    error: str = ""
    notice: str = ""

    async def _admin(self):
        return await self._require("enterprise", ("admin",))

    @rx.event
    async def load(self):
        identity, redirect = await self._admin()
        if redirect:
            self.members = []
            return redirect
        self.error = ""
        try:
            found = await enterprise.list_team(identity)  # type: ignore[arg-type]
        except ServiceError as exc:
            self.members, self.error = [], message_for(exc)
            return None
        self.members = [MemberRow(id=m.id, email=m.email, role=m.role, status=m.status) for m in found]
        return None

    @rx.event
    async def invite(self, form: dict[str, str]):
        self.error = self.notice = ""
        identity, redirect = await self._admin()
        if redirect:
            return redirect
        try:
            member = await enterprise.invite_user(identity, form.get("email", "")[:MAX_FIELD],  # type: ignore[arg-type]
                                                  form.get("role", "")[:16], ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.members = [*self.members, MemberRow(id=member.id, email=member.email, role=member.role,
                                                 status=member.status)]
        self.notice = f"We emailed an invitation to {member.email}."
        return None

    @rx.event
    async def change_role(self, user_id: int, role: str):
        self.error = self.notice = ""
        identity, redirect = await self._admin()
        if redirect:
            return redirect
        try:
            member = await enterprise.change_role(identity, int(user_id), str(role)[:16],  # type: ignore[arg-type]
                                                  ip=self.router.session.client_ip)
        except (ServiceError, ValueError) as exc:
            self.error = message_for(exc) if isinstance(exc, ServiceError) else "Choose a role from the list."
            return None
        self.members = [MemberRow(id=m.id, email=m.email, role=member.role if m.id == member.id else m.role,
                                  status=m.status) for m in self.members]
        self.notice = f"{member.email} is now {member.role}."
        return None
