"""Checks of what the browser sends: email addresses and post-sign-in redirect targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from services.accounts.errors import InvalidEmail


def normalise_email(email: str) -> str:
    """Validated, normalised address (lower-case domain and local part); raises `InvalidEmail`."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from None


def is_safe_next(path: str) -> bool:
    """True for a same-site relative path ("/account"), never "//host", a scheme or a backslash."""
    if not path or len(path) > 2048 or not path.startswith("/") or path.startswith("//"):
        return False
    if "\\" in path or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return False  # browsers drop tabs and newlines and read "\" as "/"
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def clip(value: str | None, length: int) -> str | None:
    """`value` cut to a column's length; None for empty."""
    return value[:length] if value else None
