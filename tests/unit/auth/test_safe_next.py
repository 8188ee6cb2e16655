"""`is_safe_next` lets a login redirect only to a path on this site."""

import pytest

from services.accounts.validation import is_safe_next


@pytest.mark.parametrize(
    "path", ["/", "/account", "/account/orders?page=2#top", "/plans/fr-5gb", "/a/%2F%2Fb"]
)
def test_same_site_paths_are_safe(path: str) -> None:
    assert is_safe_next(path)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "account",
        "//evil.example",
        "///evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " /account",
        "/" + "a" * 3000,
    ],
)
def test_other_targets_are_refused(path: str) -> None:
    assert not is_safe_next(path)
