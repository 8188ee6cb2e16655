"""Logs are JSON lines and never carry secrets."""

import json
import logging

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
