"""Staff sign-in for tests: password, then TOTP (enrolling on the first sign-in), codes from pyotp."""

from __future__ import annotations

import datetime as dt

import pyotp

from services.accounts import sessions, staff
from services.core import db
from services.core.models import Admin


def totp_secret(admin_id: int) -> str:
    """The stored (decrypted) secret, as the admin's authenticator app holds it."""
    with db.session() as s:
        admin = s.get(Admin, admin_id)
        assert admin is not None and admin.totp_secret
        return admin.totp_secret


def code_at(secret: str, moment: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def staff_sign_in(email: str, password: str, *, ip: str | None = "10.9.9.9",
                  user_agent: str | None = None) -> sessions.NewSession:
    """A complete staff sign-in (a ticket). A later sign-in uses the next time step's code, so
    two sign-ins in one 30-second window do not meet the replay guard."""
    challenge = staff.begin_sign_in(email, password, ip=ip, user_agent=user_agent)
    now = sessions.utcnow()
    if challenge.enrolment is not None:
        code = code_at(challenge.enrolment.secret, now)
        return staff.confirm_enrolment(challenge.challenge, code, ip=ip, user_agent=user_agent).session
    opened = staff.totp.open_challenge(challenge.challenge)
    assert opened is not None
    secret = totp_secret(opened.admin_id)
    with db.session() as s:
        last = s.get(Admin, opened.admin_id).totp_last_step  # type: ignore[union-attr]
    step = max(pyotp.TOTP(secret).timecode(now), (last or 0) + 1)
    code = pyotp.TOTP(secret).generate_otp(step)
    return staff.verify_second_factor(challenge.challenge, code, ip=ip, user_agent=user_agent)
