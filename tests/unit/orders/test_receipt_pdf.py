"""PDF receipts print every script a name or address may hold: Korean, Arabic (joined, right to left),
Japanese and Latin, each from an embedded Noto font, never as empty boxes or question marks."""

from __future__ import annotations

import io

import pypdf
import pytest

from services.orders.receipt_pdf import FALLBACKS, REGULAR, render_receipt
from services.orders.receipts import ReceiptLine, ReceiptView, Seller

SELLER = Seller("Wayfarer Travel Ltd", ("1 Main Street", "London"), "GB123456789", "Wayfarer", "help@example.com")
pytestmark = pytest.mark.skipif(not REGULAR.exists() or not all(p.exists() for p in FALLBACKS.values()),
                                reason="receipt fonts not installed (make test installs them)")


def _receipt(*buyer: str, lines: tuple[ReceiptLine, ...] = (), on_account: bool = False,
             refunded: int = 0) -> ReceiptView:
    lines = lines or (ReceiptLine("eSIM Korea 3 GB · 30 days", "Korea · 3 GB · 30 days", 1, 1299),)
    total = sum(line.amount_cents for line in lines)
    return ReceiptView("en", "OID7K3MQX9P2RTA", "3 December 2026", SELLER, buyer, lines, total, refunded, "USD",
                       on_account=on_account)


def _read(pdf: bytes) -> tuple[str, set[str]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = {str(f.get_object()["/BaseFont"]).split("+")[-1]
             for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    return "\n".join(page.extract_text() for page in reader.pages), fonts


def test_a_korean_name_and_address_print_in_noto_sans_kr() -> None:
    text, fonts = _read(render_receipt(_receipt("김민준", "서울특별시 강남구 테헤란로 152", "minjun@example.com")))
    assert "김민준" in text and "서울특별시 강남구 테헤란로 152" in text
    assert "NotoSansKR" in fonts and "NotoSansArabic" not in fonts


def test_an_arabic_name_prints_in_noto_sans_arabic_right_to_left() -> None:
    text, fonts = _read(render_receipt(_receipt("محمد العلي", "mohammed@example.com")))
    assert "NotoSansArabic" in fonts
    # shaped and laid out right to left: read left to right off the page, the family name comes first
    # (pypdf reads the lam-yeh ligature with a stray control character, dropped here)
    printed = "".join(c for c in text if c.isprintable() or c == "\n")
    assert "العلي محمد" in printed and "?" not in printed


def test_a_latin_only_receipt_embeds_noto_sans_alone() -> None:
    text, fonts = _read(render_receipt(_receipt("Zoë Łukasiewicz", "zoe@example.com")))
    assert "Zoë Łukasiewicz" in text and fonts == {"NotoSans"}


def test_a_company_receipt_lists_each_line_and_what_was_charged_to_the_account() -> None:
    lines = (ReceiptLine("eSIM Japan 3 GB · 30 days", "Japan · 3 GB · 30 days", 25, 25 * 1100),
             ReceiptLine("eSIM France 5 GB · 15 days", "France · 5 GB · 15 days", 10, 10 * 900))
    text, _ = _read(render_receipt(_receipt("Globex Ltd", "Ana Pérez", lines=lines, on_account=True, refunded=2200)))
    for expected in ("Globex Ltd", "eSIM Japan 3 GB · 30 days 25 $275.00", "eSIM France 5 GB · 15 days 10 $90.00",
                     "Total charged to your account $365.00", "Credited -$22.00", "Net charged $343.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"
    assert "paid by card" not in text
