"""Parsing pasted "name, email" lines and CSV files: line numbers and reasons, no database."""

import pytest

from services.enterprise import recipients
from services.enterprise.distribution_errors import NoRecipients, RecipientsInvalid, TooManyRecipients
from services.enterprise.exports import safe_text


def test_lines_commas_tabs_quotes_header_and_blank_lines() -> None:
    parsed = recipients.parse_text('Name, Email\n\nAda Lovelace, Ada@Example.COM\r\n"Lee, Ann",ann@example.com\n'
                                   "Grace\tgrace@example.com\n   \n")
    assert parsed.problems == ()
    assert [(r.name, r.email) for r in parsed.recipients] == [
        ("Ada Lovelace", "ada@example.com"), ("Lee, Ann", "ann@example.com"), ("Grace", "grace@example.com")]
    assert parsed.lines == (3, 4, 5)


@pytest.mark.parametrize(("line", "reason"), [
    ("Ada", "expected two values: name, email"),
    ("Ada, ada@example.com, extra", "too many values: expected name, email"),
    (", ada@example.com", "the name is missing or has invisible characters"),
    ("Ada\u200b, ada@example.com", "the name is missing or has invisible characters"),
    ("A" * 201 + ", ada@example.com", "the name is longer than 200 characters"),
    ("Ada, ada@", "'ada@' is not a valid email address"),
])
def test_each_bad_line_says_why(line: str, reason: str) -> None:
    parsed = recipients.parse_text("Bob, bob@example.com\n" + line)
    assert [(p.line, p.reason) for p in parsed.problems] == [(2, reason)]
    with pytest.raises(RecipientsInvalid):
        recipients.usable(parsed)
    assert [r.name for r in recipients.usable(parsed, skip_invalid=True)] == ["Bob"]


def test_the_same_address_twice_is_a_slip_and_empty_input_is_refused() -> None:
    parsed = recipients.parse_text("A, a@example.com\nB, A@example.com")
    assert [(p.line, p.reason) for p in parsed.problems] == [(2, "a@example.com is on line 1 already")]
    with pytest.raises(NoRecipients):
        recipients.usable(recipients.parse_text("name,email\n\n"))


def test_csv_files_are_utf8_and_bounded() -> None:
    assert recipients.parse_csv("\ufeffname,email\nZoë,zoe@example.com".encode()).recipients[0].name == "Zoë"
    with pytest.raises(RecipientsInvalid) as refused:
        recipients.parse_csv("Zoë,zoe@example.com".encode("latin-1"))
    assert refused.value.problems[0].line == 1
    with pytest.raises(TooManyRecipients):
        recipients.parse_csv(b"x" * (recipients.MAX_BYTES + 1))
    with pytest.raises(TooManyRecipients):
        recipients.parse_text("".join(f"P{i}, p{i}@example.com\n" for i in range(recipients.MAX_ROWS + 1)))


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_get_an_apostrophe(cell: str) -> None:
    assert safe_text(cell) == "'" + cell


def test_ordinary_cells_stay_as_they_are() -> None:
    assert [safe_text(c) for c in ("Ada", "a-b", "a=b", "", None)] == ["Ada", "a-b", "a=b", "", ""]
