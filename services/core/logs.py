"""Structured logging: one JSON object per line on stdout, with secrets masked.

Code should never log secrets; the filter here is the safety net for activation strings,
Stripe keys, bearer tokens and one-time codes that slip into a message or an exception.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping

from pythonjsonlogger.json import JsonFormatter

_SECRETS = (
    (re.compile(r"LPA:1\$[^\s\"',]+"), "LPA:1$[redacted]"),
    (re.compile(r"\b(sk|rk|whsec)_(live|test)?_?[A-Za-z0-9]{6,}"), r"\1_[redacted]"),
    (re.compile(r"(?i)\b(bearer|token|password|secret|api[_-]?key)([\"']?\s*[:= ]\s*[\"']?)[^\s\"',&]+"), r"\1\2[redacted]"),
    (re.compile(r"(?i)\b(code[\"']?\s*[:=]\s*[\"']?)\d{6}\b"), r"\1[redacted]"),
)


def redact(text: str) -> str:
    """Mask anything that looks like a secret."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Masks secrets in a record before its handler writes it.

    String arguments are redacted in place, so formatters that read `record.args` (uvicorn's and
    Granian's access logs) keep working; a secret that only appears once the message is formatted
    flattens the record to its redacted text. With `fold_traceback` the redacted traceback joins
    the message, for handlers that render `exc_info` themselves and ignore `exc_text` (Reflex's).
    """

    def __init__(self, *, fold_traceback: bool = False) -> None:
        super().__init__()
        self.fold_traceback = fold_traceback

    def filter(self, record: logging.LogRecord) -> bool:
        record.args = _redact_args(record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        message = record.getMessage()
        if redact(message) != message:
            record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
            if self.fold_traceback:
                record.msg, record.args = f"{record.getMessage()}\n{text}", None
            else:
                record.exc_text = text
        return True


def _redact_args(args: object) -> object:
    if isinstance(args, Mapping):
        return {key: redact(value) if isinstance(value, str) else value for key, value in args.items()}
    if isinstance(args, tuple):
        return tuple(redact(value) if isinstance(value, str) else value for value in args)
    return args


def redact_server_handlers() -> int:
    """Put the filter on every handler other libraries attached to their own loggers; return how many.

    Reflex's sinks (on the `reflex` logger, which does not propagate under the CLI), Granian's
    `_granian` and `granian.access`, uvicorn's `uvicorn.error` and `uvicorn.access` write through
    their own handlers, so the root handler's filter never sees those records. Handlers attached
    after this call are not covered: call it once the server has set its logging up (at start-up).
    """
    loggers = [logging.getLogger(), *(
        logger for logger in list(logging.root.manager.loggerDict.values()) if isinstance(logger, logging.Logger)
    )]
    added = 0
    for handler in {id(h): h for logger in loggers for h in logger.handlers}.values():
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(fold_traceback=True))
            added += 1
    return added


def configure(level: str = "INFO") -> None:
    """Send every logger's records to stdout as JSON lines, and redact the server's own log handlers
    too. Safe to call twice."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        JsonFormatter("{asctime}{levelname}{name}{message}", style="{", rename_fields={"asctime": "time"})
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # a dozen INFO lines per font subset of a PDF receipt
    redact_server_handlers()
