"""A customer's profile: name, country, display currency and language."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import pycountry
from sqlmodel import Session

from services.accounts import sessions
from services.core import db, i18n
from services.core.errors import ServiceError
from services.core.models import AuditLog, User

MAX_NAME = 100
LANGUAGES = i18n.language_names()  # every language with a catalogue, named in itself


class InvalidProfile(ServiceError):
    code = "invalid_profile"


class NameTooLong(InvalidProfile):
    code = "name_too_long"


class NameUnstorable(InvalidProfile):
    code = "name_unstorable"


class CountryNotListed(InvalidProfile):
    code = "country_not_listed"


class CurrencyNotOffered(InvalidProfile):
    code = "currency_not_offered"


class LanguageNotOffered(InvalidProfile):
    code = "language_not_offered"


class ProfileNotFound(ServiceError):
    code = "profile_not_found"


@dataclass(frozen=True, slots=True)
class ProfileView:
    email: str
    first_name: str
    last_name: str
    country: str  # ISO alpha-2, or "" when not given
    currency: str
    language: str
    currencies: tuple[str, ...]  # the choices offered now
    languages: tuple[tuple[str, str], ...]  # (code, name)


@dataclass(frozen=True, slots=True)
class ProfilePage:
    """What the profile page shows: the details and where the customer is signed in."""

    profile: ProfileView
    sessions: tuple[sessions.SessionView, ...]


@functools.cache
def countries() -> tuple[tuple[str, str], ...]:
    """(alpha-2, name) of every ISO 3166 country, by name."""
    return tuple(sorted(((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries),
                        key=lambda item: item[1]))


def currencies() -> tuple[str, ...]:
    """The currencies customers pay in, USD (the store's currency) first."""
    from services.store import currencies as sold  # at call time: store imports the catalog

    return sold.sale_currencies(sold.get_store_settings())


def _view(user: User) -> ProfileView:
    return ProfileView(user.email, user.first_name or "", user.last_name or "", user.country or "", user.currency,
                       user.language, currencies(), tuple(LANGUAGES.items()))


def get_profile(user_id: int) -> ProfileView:
    with db.session() as s:
        user = s.get(User, user_id)
        if user is None:
            raise ProfileNotFound(f"no user {user_id}")
        return _view(user)


def get_profile_page(identity: sessions.Identity) -> ProfilePage:
    """The signed-in customer's profile and live sessions."""
    return ProfilePage(get_profile(identity.principal_id), tuple(sessions.list_sessions(identity)))


def _name(value: str, field: str) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > MAX_NAME:
        raise NameTooLong(f"{field} too long", field=field, max_length=MAX_NAME)
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise NameUnstorable(f"{field} has control characters", field=field)
    return text or None


def _country(value: str) -> str | None:
    code = (value or "").strip().upper()
    if not code:
        return None
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise CountryNotListed(f"unknown country {code!r}")
    return code


def _currency(value: str) -> str:
    code = (value or "").strip().upper()
    allowed = currencies()
    if code not in allowed:
        raise CurrencyNotOffered(f"currency {code!r} not offered", choices=", ".join(allowed))
    return code


def _language(value: str) -> str:
    code = (value or "").strip().lower()
    if code not in LANGUAGES:
        raise LanguageNotOffered(f"language {code!r} not offered", choices=", ".join(LANGUAGES.values()))
    return code


def _locked_user(s: Session, user_id: int) -> User:
    """The customer's row, locked for update in `s`'s transaction; ProfileNotFound without one."""
    user = s.get(User, user_id, with_for_update=True)
    if user is None:
        raise ProfileNotFound(f"no user {user_id}")
    return user


def set_language(user_id: int, language: str) -> None:
    """Store the language a customer chose in the storefront's switcher (their emails follow it)."""
    code = _language(language)
    with db.session() as s, s.begin():
        _locked_user(s, user_id).language = code


def set_currency(user_id: int, currency: str) -> None:
    """Store the currency a customer chose in the storefront (it prices their next visits until they choose again)."""
    code = _currency(currency)
    with db.session() as s, s.begin():
        _locked_user(s, user_id).currency = code


def update_profile(user_id: int, *, first_name: str, last_name: str, country: str, currency: str,
                   language: str) -> ProfileView:
    """Validate and store every field at once; audited."""
    values = {
        "first_name": _name(first_name, "first_name"),
        "last_name": _name(last_name, "last_name"),
        "country": _country(country),
        "currency": _currency(currency),
        "language": _language(language),
    }
    with db.session() as s, s.begin():
        user = _locked_user(s, user_id)
        changed = sorted(k for k, v in values.items() if getattr(user, k) != v)
        for key, value in values.items():
            setattr(user, key, value)
        if changed:
            s.add(AuditLog(actor_type="customer", actor_id=user_id, action="profile.updated", entity_type="user",
                           entity_id=user.display_id or str(user_id), details={"fields": changed}))
        s.flush()
        return _view(user)
