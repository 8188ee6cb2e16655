"""The seller's legal details on receipts: tidied as an owner would mean them, refused with words they can
act on."""

from __future__ import annotations

import pytest

from services.store import values
from services.store.values import InvalidSetting


def test_the_address_keeps_its_lines_and_drops_blank_ones_and_extra_spaces() -> None:
    typed = " 1  Main Street \r\n\r\nLondon   EC1A 1AA\n "
    assert values.legal_address(typed) == "1 Main Street\nLondon EC1A 1AA"
    assert values.legal_address("") == ""
    with pytest.raises(InvalidSetting, match="6 lines"):
        values.legal_address("\n".join(f"line {n}" for n in range(7)))
    with pytest.raises(InvalidSetting, match="300 characters"):
        values.legal_address("x" * 301)


def test_a_vat_or_registration_number_is_letters_digits_and_separators_only() -> None:
    assert values.tax_id("  GB 123  456 789 ") == "GB 123 456 789"
    assert values.tax_id("DE-123/456.7") == "DE-123/456.7"
    assert values.tax_id("") == ""  # none: the receipt leaves the line off
    for bad in ("<script>", "X", "1" * 41, "-GB123"):
        with pytest.raises(InvalidSetting, match="VAT or registration number"):
            values.tax_id(bad)


def test_the_company_name_is_one_line_of_at_most_120_characters() -> None:
    assert values.legal_name("Wayfarer\n Travel   Ltd") == "Wayfarer Travel Ltd"
    with pytest.raises(InvalidSetting, match="120"):
        values.legal_name("x" * 121)
