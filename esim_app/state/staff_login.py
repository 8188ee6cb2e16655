"""Staff sign-in: password, then a TOTP code (or a recovery code); the first sign-in enrols TOTP.

The challenge between the steps and the ticket shown after enrolment live in backend-only vars
(never sent to the browser); the session cookie is set only once the second factor is right.
"""

from __future__ import annotations

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import AuthState
from services import accounts
from services.core import ServiceError

MAX_FIELD = 254
MAX_CODE = 40


class StaffLoginState(AuthState):
    step: str = "password"  # password, enrol, recovery_codes, code
    error: str = ""
    enrol_secret: str = ""  # the base32 secret, shown once for the authenticator app
    enrol_qr: str = ""  # data URI of its QR code
    recovery_codes: list[str] = []
    _challenge: str = ""
    _ticket: str = ""

    def _client(self) -> dict[str, str | None]:
        return {"ip": self.router.session.client_ip, "user_agent": self.router.headers.user_agent[:400]}

    def _fail(self, exc: ServiceError):
        self.error = message_for(exc)
        if isinstance(exc, accounts.SignInExpired):
            self._restart()
        return rx.set_value("totp", "")

    def _restart(self) -> None:
        self.step, self.enrol_secret, self.enrol_qr, self.recovery_codes = "password", "", "", []
        self._challenge = self._ticket = ""

    @rx.event
    async def submit_password(self, form: dict[str, str]):
        self.error = ""
        self._restart()
        try:
            challenge = await accounts.begin_staff_sign_in(
                form.get("email", "")[:MAX_FIELD], form.get("password", "")[:200], **self._client())
        except ServiceError as exc:
            self.error = message_for(exc)
            return rx.set_value("password", "")
        self._challenge = challenge.challenge
        if challenge.enrolment is not None:
            self.step, self.enrol_secret, self.enrol_qr = "enrol", challenge.enrolment.secret, challenge.enrolment.qr_data_uri
        else:
            self.step = "code"

    @rx.event
    async def confirm_enrolment(self, form: dict[str, str]):
        self.error = ""
        try:
            enrolled = await accounts.confirm_staff_enrolment(self._challenge, form.get("totp", "")[:MAX_CODE],
                                                              **self._client())
        except ServiceError as exc:
            return self._fail(exc)
        self._challenge, self.enrol_secret, self.enrol_qr = "", "", ""
        self._ticket, self.recovery_codes, self.step = enrolled.session.ticket, list(enrolled.recovery_codes), "recovery_codes"
        self.role, self.display_name = enrolled.session.identity.role, enrolled.session.identity.display_name

    @rx.event
    def finish_enrolment(self):
        """The recovery codes are saved: go and trade the ticket for the cookie (the route checks it)."""
        ticket = self._ticket
        self._restart()
        if not ticket:
            return None
        return self._start_ticket(ticket, "admin")

    @rx.event
    async def submit_code(self, form: dict[str, str]):
        self.error = ""
        try:
            new = await accounts.verify_staff_second_factor(self._challenge, form.get("totp", "")[:MAX_CODE],
                                                            **self._client())
        except ServiceError as exc:
            return self._fail(exc)
        self._restart()
        return self._start(new)

    @rx.event
    def start_over(self) -> None:
        self.error = ""
        self._restart()
