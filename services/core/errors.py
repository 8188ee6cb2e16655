"""The base of errors that services raise for the UI to word."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal the caller can act on.

    `code` is stable and is what the UI maps to words (`esim_app/errors.py`); `params` fill the
    placeholders of that wording. The message is for logs and staff, never shown to a customer.
    """

    code: str = "error"

    def __init__(self, message: str = "", **params: object) -> None:
        super().__init__(message or self.code)
        self.params = params
