"""TOTP (RFC 6238, 30-second steps, 6 digits) and recovery codes for staff accounts, without I/O.

A code is accepted for the current step and one step either side (clock drift); the caller keeps
the step it accepted and refuses any step up to it afterwards, so a code works once. Recovery
codes are 10 random characters of an unambiguous alphabet (50 bits), stored as SHA-256.

Between the password and the second factor the browser's tab holds a *challenge*: the admin's id
and what is left to do, sealed with the encryption keys (`services.core.crypto`) and valid a few
minutes. It is no session: it only lets its holder try a second factor, which counts in the
password attempt limits.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Literal

import pyotp
from cryptography.fernet import InvalidToken

from services.core import crypto
from services.core.qr import qr_png

ISSUER = "eSIM marketplace"
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CHALLENGE_TTL = dt.timedelta(minutes=5)
ENROLMENT_TICKET_TTL = dt.timedelta(minutes=10)  # time to copy the recovery codes before continuing

Purpose = Literal["enrol", "verify"]


@dataclass(frozen=True)
class Challenge:
    admin_id: int
    purpose: Purpose


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The `otpauth://` URI as a PNG QR code in a data URI, for an `<img>` (made here, never by a third party)."""
    return "data:image/png;base64," + base64.b64encode(qr_png(uri)).decode()


def accepted_step(secret: str, code: str, *, now: dt.datetime, after: int | None) -> int | None:
    """The time step `code` belongs to (current, or one either side), if later than `after`; else None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def looks_like_totp(code: str) -> bool:
    return "".join(ch for ch in code if not ch.isspace()).isdigit()


def new_recovery_codes() -> list[str]:
    """Ten codes shown once, as `xxxxx-xxxxx`."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    """Case, spaces and dashes do not matter when a code is typed back."""
    cleaned = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(b"recovery:" + cleaned.encode()).hexdigest()


def seal_challenge(challenge: Challenge) -> str:
    return crypto.encrypt(json.dumps({"a": challenge.admin_id, "p": challenge.purpose}))


def open_challenge(token: str) -> Challenge | None:
    """The challenge in `token` while it is fresh; None for a stale, foreign or garbled one."""
    if not token or len(token) > 500:
        return None
    try:
        data = json.loads(crypto.current_keys().decrypt(token.encode(), ttl=int(CHALLENGE_TTL.total_seconds())))
        return Challenge(admin_id=int(data["a"]), purpose=data["p"])
    except (InvalidToken, ValueError, KeyError, TypeError):
        return None
