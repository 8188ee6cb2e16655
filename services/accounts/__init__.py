"""Accounts: sign-in (emailed codes, passwords, staff TOTP), sessions and the customer's profile.

The public face for the UI. Its functions are async and own their threads and database
sessions; services, jobs and tests import the submodules (`codes`, `passwords`, `sessions`,
`profile`, `staff`) for the synchronous functions.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from services.accounts import codes, passwords, profile, sessions, staff
from services.accounts.errors import (
    AccountDisabled,
    AlreadyExists,
    InvalidCode,
    InvalidCredentials,
    InvalidEmail,
    InvalidSecondFactor,
    PasswordTooLong,
    PasswordTooShort,
    RateLimited,
    SignInExpired,
    TooManyAttempts,
    WeakPassword,
)
from services.accounts.profile import (
    LANGUAGES,
    CountryNotListed,
    CurrencyNotOffered,
    InvalidProfile,
    LanguageNotOffered,
    NameTooLong,
    NameUnstorable,
    ProfileNotFound,
    ProfilePage,
    ProfileView,
    countries,
)
from services.accounts.sessions import Identity, NewSession, SessionView, StartedSession
from services.accounts.staff import EnrolledSession, Enrolment, StaffChallenge
from services.accounts.validation import is_safe_next


async def request_login_code(email: str, *, ip: str | None, language: str = "en") -> str:
    """Email a sign-in code (in `language`); returns the normalised address the code went to."""
    return await asyncio.to_thread(codes.request_login_code, email, ip=ip, language=language)


async def verify_login_code(email: str, code: str, *, ip: str | None, user_agent: str | None,
                            language: str = "en") -> NewSession:
    """Sign a customer in with the emailed code (creating the customer, speaking `language`, on first sign-in).

    The result holds a one-time ticket for `start_session`, not the session token.
    """
    return await asyncio.to_thread(codes.verify_login_code, email, code, ip=ip, user_agent=user_agent,
                                   language=language)


async def login_with_password(role: Literal["enterprise"], email: str, password: str, *,
                              ip: str | None, user_agent: str | None) -> NewSession:
    """Sign an enterprise account in with a password (a ticket, as above).

    bcrypt runs on its own threads; beyond a few sign-ins in flight, `RateLimited` at once.
    """
    with passwords.sign_in_slot():
        found = await asyncio.to_thread(passwords.find_account, role, email, ip=ip)
        right = await passwords.check_password_on_pool(password, found.password_hash)
        return await asyncio.to_thread(passwords.conclude_login, found, right, ip=ip, user_agent=user_agent)


async def begin_staff_sign_in(email: str, password: str, *, ip: str | None,
                              user_agent: str | None) -> StaffChallenge:
    """A staff account's password step: no session yet, a challenge for the second factor (and,
    on the first sign-in, the TOTP secret to enrol). Limits and bcrypt pool as for `login_with_password`."""
    with passwords.sign_in_slot():
        found = await asyncio.to_thread(passwords.find_account, "admin", email, ip=ip)
        right = await passwords.check_password_on_pool(password, found.password_hash)
        return await asyncio.to_thread(staff.conclude_password, found, right, ip=ip)


async def confirm_staff_enrolment(challenge: str, code: str, *, ip: str | None,
                                  user_agent: str | None) -> EnrolledSession:
    """The first TOTP code from the authenticator app: enrolled, ten recovery codes, a sign-in ticket."""
    return await asyncio.to_thread(staff.confirm_enrolment, challenge, code, ip=ip, user_agent=user_agent)


async def verify_staff_second_factor(challenge: str, code: str, *, ip: str | None,
                                     user_agent: str | None) -> NewSession:
    """A current TOTP code or an unused recovery code (spent): a sign-in ticket."""
    return await asyncio.to_thread(staff.verify_second_factor, challenge, code, ip=ip, user_agent=user_agent)


async def start_session(ticket: str) -> StartedSession | None:
    """Trade a sign-in ticket (once, within a minute) for the token of the HttpOnly cookie."""
    return await asyncio.to_thread(sessions.exchange_ticket, ticket)


async def resolve_session(token: str) -> Identity | None:
    """The identity behind a session cookie; None when it is unknown, expired or revoked."""
    return await asyncio.to_thread(sessions.resolve_session, token) if token else None


async def session_refusal(token: str) -> str | None:
    """Why the session cookie no longer signs its holder in, if they should be told ("company_suspended")."""
    return await asyncio.to_thread(sessions.refusal, token) if token else None


async def revoke_session(token: str, *, ip: str | None = None) -> None:
    """Log this one session out (audited)."""
    await asyncio.to_thread(sessions.revoke_session, token, ip=ip)


async def revoke_all_sessions(identity: Identity) -> int:
    """Log the caller out everywhere; returns how many sessions ended."""
    return await asyncio.to_thread(sessions.revoke_all_sessions, identity)


async def get_profile_page(identity: Identity) -> ProfilePage:
    """The customer's details and where they are signed in."""
    return await asyncio.to_thread(profile.get_profile_page, identity)


async def set_language(user_id: int, language: str) -> None:
    """Store the customer's chosen language; raises `LanguageNotOffered`."""
    await asyncio.to_thread(profile.set_language, user_id, language)


async def set_currency(user_id: int, currency: str) -> None:
    """Store the customer's chosen currency; raises `CurrencyNotOffered`."""
    await asyncio.to_thread(profile.set_currency, user_id, currency)


async def update_profile(user_id: int, *, first_name: str, last_name: str, country: str, currency: str,
                         language: str) -> ProfileView:
    """Validate and store the customer's details at once."""
    return await asyncio.to_thread(profile.update_profile, user_id, first_name=first_name, last_name=last_name,
                                   country=country, currency=currency, language=language)


__all__ = [
    "LANGUAGES",
    "set_currency",
    "set_language",
    "AccountDisabled",
    "AlreadyExists",
    "CountryNotListed",
    "CurrencyNotOffered",
    "EnrolledSession",
    "Enrolment",
    "Identity",
    "InvalidCode",
    "InvalidCredentials",
    "InvalidEmail",
    "InvalidProfile",
    "InvalidSecondFactor",
    "LanguageNotOffered",
    "NameTooLong",
    "NameUnstorable",
    "NewSession",
    "PasswordTooLong",
    "PasswordTooShort",
    "ProfileNotFound",
    "ProfilePage",
    "ProfileView",
    "RateLimited",
    "SessionView",
    "SignInExpired",
    "StaffChallenge",
    "StartedSession",
    "TooManyAttempts",
    "WeakPassword",
    "begin_staff_sign_in",
    "confirm_staff_enrolment",
    "countries",
    "get_profile_page",
    "is_safe_next",
    "login_with_password",
    "request_login_code",
    "resolve_session",
    "revoke_all_sessions",
    "revoke_session",
    "session_refusal",
    "start_session",
    "update_profile",
    "verify_login_code",
    "verify_staff_second_factor",
]
