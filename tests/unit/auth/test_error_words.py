"""Every refusal of accounts, support and notifications has words for the reader, and no English of its own."""

from __future__ import annotations

import pytest

import services.accounts
import services.notifications
import services.support
from esim_app.errors import FALLBACK, MESSAGES, message_for
from services.core import ServiceError


def _subclasses(cls: type[ServiceError]) -> list[type[ServiceError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


OURS = [c for c in _subclasses(ServiceError)
        if c.__module__.startswith(("services.accounts", "services.support", "services.notifications"))]


def test_the_faces_are_loaded() -> None:
    assert services.accounts and services.support and services.notifications
    assert len(OURS) >= 20


@pytest.mark.parametrize("error", OURS, ids=lambda c: c.__name__)
def test_each_code_has_words(error: type[ServiceError]) -> None:
    assert error.code in MESSAGES, f"{error.__name__} ({error.code}) has no words in esim_app/errors.py"


def test_params_fill_the_words() -> None:
    refused = services.support.SubjectTooLong("subject too long", max_length=200)
    assert message_for(refused) == "The subject is too long: at most 200 characters, please."
    assert message_for(services.accounts.CurrencyNotOffered("x", choices="USD, EUR")).endswith("USD, EUR.")


def test_a_missing_param_falls_back_rather_than_showing_a_placeholder() -> None:
    assert message_for(services.support.SubjectTooLong("subject too long")) == FALLBACK
