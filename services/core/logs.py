"""Structured logging: one JSON object per line on stdout, with secrets masked.

Code should never log secrets; the filter here is the safety net for activation strings,
Stripe keys, bearer tokens and one-time codes that slip into a message or an exception.
"""

from __future__ import annotations

import logging
import re
import sys

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
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def configure(level: str = "INFO") -> None:
    """Send every logger's records to stdout as JSON lines. Safe to call twice."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        JsonFormatter("{asctime}{levelname}{name}{message}", style="{", rename_fields={"asctime": "time"})
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
