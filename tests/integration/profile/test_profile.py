"""The profile: validated name, country, display currency and language, scoped to its owner."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from esim_app.errors import message_for
from services.accounts import profile
from services.accounts.profile import InvalidProfile
from services.core import db
from services.core.models import User
from services.store import settings as store_settings


@pytest.fixture
def user_id(database_url: str) -> int:
    with db.session() as s:
        user = User(email=f"p-{uuid.uuid4().hex[:10]}@example.com")
        s.add(user)
        s.commit()
        return user.id  # type: ignore[return-value]


@pytest.fixture
def rates() -> Iterator[None]:
    store_settings.set_currency_rates({"EUR": "0.92", "GBP": "0.79"})
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = :key"), {"key": store_settings.CURRENCY_RATES})


def _update(user_id: int, **changes: str) -> profile.ProfileView:
    values = {"first_name": "Ada", "last_name": "Lovelace", "country": "gb", "currency": "eur", "language": "en"}
    return profile.update_profile(user_id, **{**values, **changes})


def test_defaults_then_update_round_trip(user_id: int, rates) -> None:
    before = profile.get_profile(user_id)
    assert (before.first_name, before.country, before.currency, before.language) == ("", "", "USD", "en")
    assert before.currencies == ("USD", "EUR", "GBP")
    after = _update(user_id, first_name="  Ada  ", last_name="King  Lovelace")
    assert (after.first_name, after.last_name, after.country, after.currency) == ("Ada", "King Lovelace", "GB", "EUR")
    assert profile.get_profile(user_id) == after


def test_country_can_be_left_empty(user_id: int, rates) -> None:
    assert _update(user_id, country="").country == ""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "Germany"}, "country"),
        ({"currency": "JPY"}, "USD, EUR, GBP"),
        ({"language": "pt"}, "English, Deutsch, Español, Français, 日本語"),
        ({"first_name": "x" * 101}, "at most 100 characters"),
        ({"last_name": "bad\x00name"}, "characters we cannot store"),
    ],
)
def test_invalid_values_are_refused_and_nothing_changes(user_id: int, rates, changes: dict, message: str) -> None:
    with pytest.raises(InvalidProfile) as refused:
        _update(user_id, **changes)
    assert message in message_for(refused.value)
    assert profile.get_profile(user_id).first_name == ""


@pytest.mark.parametrize("language", ["en", "es", "fr", "de", "ja"])
def test_every_storefront_language_can_be_chosen(user_id: int, rates, language: str) -> None:
    assert _update(user_id, language=language).language == language
    profile.set_language(user_id, "en")
    assert profile.get_profile(user_id).language == "en"


def test_updating_is_audited_with_the_changed_fields(user_id: int, rates) -> None:
    _update(user_id)
    _update(user_id)  # no change: no second row
    with db.get_engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT details FROM audit_log WHERE action = 'profile.updated' AND actor_id = :id"),
                            {"id": user_id}).all()
    assert [r.details["fields"] for r in rows] == [["country", "currency", "first_name", "last_name"]]


def test_unknown_user_is_refused(database_url: str) -> None:
    with pytest.raises(profile.ProfileNotFound):
        profile.get_profile(987654321)


def test_the_currency_chosen_in_the_storefront_is_kept_in_the_profile(user_id: int, rates) -> None:
    profile.set_currency(user_id, "gbp")
    assert profile.get_profile(user_id).currency == "GBP"
    with pytest.raises(profile.CurrencyNotOffered):
        profile.set_currency(user_id, "JPY")  # staff have not offered it
    assert profile.get_profile(user_id).currency == "GBP"
