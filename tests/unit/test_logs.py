"""Logs are JSON lines and never carry secrets."""

import io
import json
import logging
import logging.config
from collections.abc import Iterator

import pytest

from services.core import logs


def test_redact_masks_activation_strings_keys_and_codes() -> None:
    text = logs.redact(
        "esim LPA:1$smdp.example.com$K2-ABC-123 key sk_test_51Habcdef password=hunter2 code: 482913 "
        "Authorization: Bearer eyJhbGciOi"
    )
    for secret in ("K2-ABC-123", "51Habcdef", "hunter2", "482913", "eyJhbGciOi"):
        assert secret not in text
    assert "LPA:1$[redacted]" in text


def test_redact_keeps_ordinary_numbers() -> None:
    assert logs.redact("provider error code 34 after 3 attempts") == "provider error code 34 after 3 attempts"


def test_configured_logging_writes_redacted_json_lines(capsys) -> None:
    logs.configure("INFO")
    logging.getLogger("esim.test").info("installed %s", "LPA:1$rsp.example.com$SECRET-MATCHING-ID")
    line = capsys.readouterr().out.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["levelname"] == "INFO" and record["name"] == "esim.test"
    assert "SECRET-MATCHING-ID" not in line


def test_exceptions_are_redacted_too(capsys) -> None:
    logs.configure("INFO")
    try:
        raise RuntimeError("failed for LPA:1$smdp.io$TOPSECRET")
    except RuntimeError:
        logging.getLogger("esim.test").exception("provisioning failed")
    out = capsys.readouterr().out
    assert "TOPSECRET" not in out and "RuntimeError" in out


CODE_LINE = "sign-in failed for traveller@example.com, code: 482913"
LPA = "LPA:1$rsp.example.com$MATCHING-ID-SECRET"


@pytest.fixture
def reflex_sinks() -> Iterator[None]:
    """Reflex's own log sinks, attached as under `reflex run` (the `reflex` logger stops propagating)."""
    from reflex_base.utils import log as reflex_log

    reflex_log.configure()
    yield
    reflex_log._reset()


def test_reflex_loggers_are_redacted_through_reflex_own_sinks(reflex_sinks: None, capsys) -> None:
    # given Reflex's sinks, then our logging set up at app start
    logs.configure("INFO")
    # when Reflex code logs a sign-in code and an event handler's traceback holds an activation string
    logging.getLogger("reflex.state").warning(CODE_LINE)
    try:
        raise RuntimeError(f"install failed for {LPA}")
    except RuntimeError:
        logging.getLogger("reflex.app").exception("event handler failed")
    out = "".join(capsys.readouterr())
    # then neither secret is written, and the record and its traceback still are
    assert "482913" not in out and "MATCHING-ID-SECRET" not in out
    assert "sign-in failed" in out and "Traceback" in out and "RuntimeError" in out


def _server_logging(names: tuple[str, ...]) -> Iterator[io.StringIO]:
    """The server's own handlers on `names`, writing to one buffer; removed afterwards."""
    out = io.StringIO()
    for name in names:
        for handler in logging.getLogger(name).handlers:
            handler.setStream(out)  # type: ignore[attr-defined]
    yield out
    for name in names:
        logging.getLogger(name).handlers.clear()


@pytest.fixture
def granian_log() -> Iterator[io.StringIO]:
    """Granian's logging as its server configures it: each logger with its own non-propagating handler."""
    from granian.log import LogLevels, configure_logging

    configure_logging(LogLevels.info)
    yield from _server_logging(("_granian", "granian.access"))


def test_granian_access_and_server_logs_are_redacted(granian_log: io.StringIO) -> None:
    from granian.log import DEFAULT_ACCESSLOG_FMT

    logs.configure("INFO")
    access = {"time": "now", "addr": "203.0.113.9", "method": "GET", "path": "/login?code=482913",
              "protocol": "HTTP/1.1", "status": 200, "dt_ms": 1.5}
    logging.getLogger("granian.access").info(DEFAULT_ACCESSLOG_FMT, access)
    logging.getLogger("_granian").info("worker said %s", LPA)
    out = granian_log.getvalue()
    assert "482913" not in out and "MATCHING-ID-SECRET" not in out
    assert '"GET /login?code=[redacted] HTTP/1.1" 200' in out and "worker said LPA:1$[redacted]" in out


@pytest.fixture
def uvicorn_log() -> Iterator[io.StringIO]:
    """uvicorn's default logging (used when Reflex runs under uvicorn), access log included."""
    from uvicorn.config import LOGGING_CONFIG

    logging.config.dictConfig(LOGGING_CONFIG)
    yield from _server_logging(("uvicorn", "uvicorn.error", "uvicorn.access"))


def test_uvicorn_access_log_keeps_its_format_and_loses_the_code(uvicorn_log: io.StringIO, capsys) -> None:
    logs.configure("INFO")
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "203.0.113.9:5000", "GET",
                                             "/login?code=482913", "1.1", 200)
    out = uvicorn_log.getvalue()
    assert "482913" not in out and "Logging error" not in capsys.readouterr().err
    assert 'GET /login?code=[redacted] HTTP/1.1" 200' in out
