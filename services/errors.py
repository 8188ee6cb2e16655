"""The base of errors that services raise for the UI to show."""


class ServiceError(Exception):
    """A refusal the user can act on. `code` is stable; the message is safe to show."""

    code: str = "error"
