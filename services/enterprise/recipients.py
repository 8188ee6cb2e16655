"""Recipients from pasted "name, email" lines or an uploaded CSV file, checked row by row.

Pure functions (no database). Every problem names its 1-based line and a reason; the caller
assigns nothing while any remain (all-or-nothing) unless it asks to skip the invalid rows. A first
row "name, email" is a header and skipped; blank lines are skipped; tabs work as separators too
(a paste from a spreadsheet). A value may be quoted ("Lee, Ann"), but not span lines. The same address twice in one list is refused as a likely slip.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.accounts.errors import InvalidEmail
from services.accounts.validation import normalise_email
from services.enterprise.distribution_errors import NoRecipients, RecipientsInvalid, RowProblem, TooManyRecipients

MAX_ROWS = 5000
MAX_BYTES = 1_000_000
MAX_NAME = 200
HEADER = ("name", "email")


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class ParsedRecipients:
    recipients: tuple[Recipient, ...]
    problems: tuple[RowProblem, ...]
    lines: tuple[int, ...]  # the line of each recipient


def _clean_name(value: str) -> str:
    name = " ".join(value.split())
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        return ""
    return name


def _check_row(fields: list[str]) -> Recipient | str:
    """The recipient of one row, or the reason it cannot be one."""
    fields = [f.strip() for f in fields]
    while fields and not fields[-1]:
        fields.pop()
    if len(fields) != 2:
        return "expected two values: name, email" if len(fields) < 2 else "too many values: expected name, email"
    name = _clean_name(fields[0])
    if not name:
        return "the name is missing or has invisible characters"
    if len(name) > MAX_NAME:
        return f"the name is longer than {MAX_NAME} characters"
    try:
        return Recipient(name, normalise_email(fields[1]))
    except InvalidEmail:
        return f"{fields[1][:80]!r} is not a valid email address"


def _fields(line: str) -> list[str]:
    """The values of one line: comma-separated (CSV quoting), or tab-separated when it has tabs and no comma."""
    delimiter = "\t" if "\t" in line and "," not in line else ","
    return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])


def _collect(rows: Iterable[tuple[int, list[str]]]) -> ParsedRecipients:
    found: list[Recipient] = []
    problems: list[RowProblem] = []
    lines: list[int] = []
    seen: dict[str, int] = {}
    for line, fields in rows:
        if not any(f.strip() for f in fields):
            continue
        if not found and not problems and tuple(f.strip().lower() for f in fields) == HEADER:
            continue
        checked = _check_row(fields)
        if isinstance(checked, str):
            problems.append(RowProblem(line, checked))
        elif checked.email in seen:
            problems.append(RowProblem(line, f"{checked.email} is on line {seen[checked.email]} already"))
        else:
            seen[checked.email] = line
            found.append(checked)
            lines.append(line)
        if len(found) + len(problems) > MAX_ROWS:
            raise TooManyRecipients(f"more than {MAX_ROWS} rows", max_rows=MAX_ROWS)
    return ParsedRecipients(tuple(found), tuple(problems), tuple(lines))


def parse_rows(rows: Iterable[Sequence[str]]) -> ParsedRecipients:
    """Recipients of rows of values (line numbers from 1), e.g. one name and email typed in a form."""
    return _collect((n, [str(v) for v in row]) for n, row in enumerate(rows, 1))


def parse_text(text: str) -> ParsedRecipients:
    """Recipients of pasted lines or a CSV file's text (one recipient a line), with each bad line's problem."""
    if len(text.encode()) > MAX_BYTES:
        raise TooManyRecipients("the list is too large", max_rows=MAX_ROWS)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _collect((n, _fields(line)) for n, line in enumerate(lines, 1))


def parse_csv(data: bytes) -> ParsedRecipients:
    """Recipients of an uploaded CSV file (UTF-8, a byte-order mark allowed)."""
    if len(data) > MAX_BYTES:
        raise TooManyRecipients("the file is too large", max_rows=MAX_ROWS)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecipientsInvalid("not UTF-8", problems=(RowProblem(1, "the file is not UTF-8 text; save it "
                                                                    "as CSV UTF-8"),)) from None
    return parse_text(text)


def usable(parsed: ParsedRecipients, *, skip_invalid: bool = False) -> tuple[Recipient, ...]:
    """The recipients to assign: all of them, or `RecipientsInvalid` while any row has a problem
    (unless `skip_invalid`); `NoRecipients` when nothing is left."""
    if parsed.problems and not skip_invalid:
        raise RecipientsInvalid(f"{len(parsed.problems)} rows with problems", problems=parsed.problems)
    if not parsed.recipients:
        raise NoRecipients("no recipients")
    return parsed.recipients
