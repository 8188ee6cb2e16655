"""Codes and tokens are stored only as hashes and compared in constant time."""

import hashlib
import re

import pytest

from esim_app.errors import message_for
from services.accounts.codes import hash_login_code, login_code_matches, new_login_code
from services.accounts.errors import RateLimited
from services.accounts.sessions import hash_token


def test_new_codes_are_six_digits_and_vary() -> None:
    codes = {new_login_code() for _ in range(200)}
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)
    assert len(codes) > 190


def test_a_code_matches_its_hash_only() -> None:
    stored = hash_login_code("042917")
    assert "042917" not in stored
    assert login_code_matches("042917", stored)
    assert not login_code_matches("042918", stored)
    assert not login_code_matches("42917", stored)


def test_the_same_code_hashes_differently_each_time() -> None:
    assert hash_login_code("123456") != hash_login_code("123456")


@pytest.mark.parametrize("stored", ["", "$", "zz$abc", "no-separator"])
def test_a_malformed_hash_matches_nothing(stored: str) -> None:
    assert not login_code_matches("123456", stored)


def test_tokens_are_stored_as_sha256_hex() -> None:
    token = "q3Vb0sX2-example-token"
    assert hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert len(hash_token(token)) == 64


@pytest.mark.parametrize(("seconds", "minutes"), [(1, 1), (60, 1), (61, 2), (900, 15)])
def test_rate_limited_says_when_to_retry(seconds: int, minutes: int) -> None:
    err = RateLimited(seconds)
    assert err.code == "rate_limited" and err.retry_after_seconds == seconds
    assert err.params == {"minutes": minutes}
    assert message_for(err).endswith(f"Try again in {minutes} min.")
