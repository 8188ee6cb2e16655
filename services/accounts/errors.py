"""Refusals of sign-in and account operations, each with a stable code (words: esim_app/errors.py)."""

from __future__ import annotations

import math

from services.core.errors import ServiceError


class InvalidEmail(ServiceError):
    code = "invalid_email"


class WeakPassword(ServiceError):
    code = "weak_password"


class PasswordTooShort(WeakPassword):
    code = "password_too_short"


class PasswordTooLong(WeakPassword):
    code = "password_too_long"


class AlreadyExists(ServiceError):
    code = "already_exists"


class InvalidCode(ServiceError):
    """Wrong, expired, replaced or already used."""

    code = "invalid_code"


class InvalidSecondFactor(ServiceError):
    """A staff sign-in's TOTP code is wrong or was used already, or the recovery code is unknown or spent."""

    code = "invalid_second_factor"


class SignInExpired(ServiceError):
    """The password step of a staff sign-in is too old (or the account changed since): start again."""

    code = "sign_in_expired"


class TooManyAttempts(ServiceError):
    code = "too_many_attempts"


class InvalidCredentials(ServiceError):
    """One refusal for an unknown email and a wrong password."""

    code = "invalid_credentials"


class AccountDisabled(ServiceError):
    """Raised only after the code or password was right, so it reveals nothing to a stranger."""

    code = "account_disabled"


class CompanySuspended(AccountDisabled):
    """A right password (or a live session) of a user whose company staff suspended."""

    code = "company_suspended"


class RateLimited(ServiceError):
    """Too many sign-in attempts; `params["minutes"]` is the wait, rounded up."""

    code = "rate_limited"

    def __init__(self, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(f"sign-in rate limit: retry after {retry_after_seconds}s",
                         minutes=max(1, math.ceil(retry_after_seconds / 60)))


class SignInSlowedDown(RateLimited):
    """Wrong passwords were tried for this address: each further try waits a little longer (no lockout)."""

    code = "sign_in_slowed"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(retry_after_seconds)
        self.params["seconds"] = retry_after_seconds


class NotPermitted(ServiceError):
    """The caller is not staff, or their staff role does not allow this (admin dashboard and the staff
    side of the enterprise portal alike: one refusal, one code)."""

    code = "admin_not_permitted"
