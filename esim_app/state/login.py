"""Sign-in forms: emailed one-time code for customers, password for enterprise accounts
(staff: `esim_app.state.staff_login`)."""

from __future__ import annotations

from typing import Literal

import reflex as rx

from esim_app.errors import MESSAGES, message_for
from esim_app.state.auth import AuthState
from esim_app.state.locale import reader_language
from services import accounts
from services.core import ServiceError, translate

MAX_FIELD = 254
REASONS = ("company_suspended",)  # what `AuthState._require` may name in `?reason=`


class CodeLoginState(AuthState):
    email: str = ""
    code_sent: bool = False
    error: str = ""
    notice: str = ""
    busy: bool = False

    @rx.event
    async def send_code(self, form: dict[str, str]):
        self.error = self.notice = ""
        email, lang = form.get("email", "")[:MAX_FIELD], await reader_language(self)
        try:
            self.email = await accounts.request_login_code(email, ip=self.router.session.client_ip, language=lang)
        except ServiceError as exc:
            self.error = message_for(exc, lang)
            return
        self.code_sent = True
        self.notice = translate(lang, "We sent a 6-digit code to {email}. It is valid for 5 minutes.", email=self.email)

    @rx.event
    async def verify_code(self, form: dict[str, str]):
        self.error, lang = "", await reader_language(self)
        code = "".join(ch for ch in form.get("code", "") if ch.isdigit())[:6]
        if len(code) != 6:
            self.error = translate(lang, "Enter the 6 digits from the email.")
            return
        try:
            new = await accounts.verify_login_code(
                self.email, code, ip=self.router.session.client_ip, user_agent=self.router.headers.user_agent[:400],
                language=lang)
        except ServiceError as exc:
            self.error = message_for(exc, lang)
            return
        self.code_sent, self.notice = False, ""
        return self._start(new)

    @rx.event
    def change_email(self) -> None:
        self.code_sent, self.error, self.notice = False, "", ""


class PasswordLoginState(AuthState):
    error: str = ""
    notice: str = ""  # why the last session ended, e.g. the company was suspended

    @rx.event
    def read_reason(self) -> None:
        """On load: a redirect from a portal page may say why the session stopped working."""
        reason = str(self.router.url.query_parameters.get("reason", ""))
        self.notice = MESSAGES[reason] if reason in REASONS else ""

    async def _login(self, role: Literal["enterprise"], form: dict[str, str]):
        self.error = ""
        try:
            new = await accounts.login_with_password(
                role, form.get("email", "")[:MAX_FIELD], form.get("password", "")[:200],
                ip=self.router.session.client_ip, user_agent=self.router.headers.user_agent[:400])
        except ServiceError as exc:
            self.error = message_for(exc)
            return rx.set_value("password", "")
        return self._start(new)

    @rx.event
    async def login_enterprise(self, form: dict[str, str]):
        return await self._login("enterprise", form)
